/**
 * The database behind the app tier: the HikariCP pool that times each call
 * ({@link dev.roundtrip.app.db.Database}), the schema history that runs on H2 and PostgreSQL alike
 * ({@link dev.roundtrip.app.db.Schema}, applied by {@link dev.roundtrip.app.db.SchemaMigrator}),
 * and the shared H2 server several app servers use ({@link dev.roundtrip.app.db.DatabaseServer}).
 */
package dev.roundtrip.app.db;
