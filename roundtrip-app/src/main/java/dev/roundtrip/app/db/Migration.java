package dev.roundtrip.app.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One step of the app's schema history: applied once per database, in version order, and recorded
 * in the {@code roundtrip_schema} table.
 *
 * @param version position in the history, starting at 1
 * @param description what the step does, stored with it
 * @param step the SQL it runs; inside a transaction that also records the version
 */
public record Migration(int version, String description, Step step) {

    /** The statements of one migration. */
    @FunctionalInterface
    public interface Step {
        void apply(Connection connection, JdbcUrls.Kind kind) throws SQLException;
    }
}
