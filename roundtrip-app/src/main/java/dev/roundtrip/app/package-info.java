/**
 * The app tier, the last hops of the request path: {@link dev.roundtrip.app.AppServer} serves the
 * {@code /users} API over HTTP/1.1 and h2c and answers from a database, telling the client how
 * long it took ({@code Server-Timing: app, db, db-pool}) and which instance served it
 * ({@code X-Served-By}). Configured by one {@link dev.roundtrip.app.AppConfig} record.
 */
package dev.roundtrip.app;
