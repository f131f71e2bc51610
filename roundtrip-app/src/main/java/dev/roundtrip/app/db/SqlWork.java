package dev.roundtrip.app.db;

import java.sql.Connection;
import java.sql.SQLException;

/** One unit of database work on a borrowed connection; the connection goes back to the pool after. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
