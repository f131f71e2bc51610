package dev.roundtrip.app.db;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the pool which errors mean the connection itself is dead, so it is thrown away instead of
 * handed to the next request. HikariCP already knows the standard SQLState class 08 and
 * PostgreSQL's shutdown states; H2 reports a database that was closed or a server that went away
 * with codes of its own, and without this rule a pool would keep failing on those connections
 * after the database came back.
 */
final class DeadConnectionRule implements SQLExceptionOverride {
    /** H2: database closed (90121), connection broken (90067), database is in exclusive mode (90135). */
    private static final Set<String> H2_DEAD = Set.of("90121", "90067", "90135");

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && H2_DEAD.contains(sql.getSQLState())) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
