package dev.roundtrip.app.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.roundtrip.core.timeline.MonotonicClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The app tier's connection pool (HikariCP): every query borrows a connection, runs, and gives it
 * back, and the time spent waiting for the connection and using it is reported to a
 * {@link DbTimer}. Calls block, so they run on virtual threads, never on a Netty event loop.
 *
 * <p>Thread-safe. {@link #open} connects once before returning, so a wrong URL, an unreachable
 * database or bad credentials fail the start of the app server, not its first request.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final JdbcUrls.Kind kind;
    private final MonotonicClock clock;

    private Database(HikariDataSource pool, JdbcUrls.Kind kind, MonotonicClock clock) {
        this.pool = pool;
        this.kind = kind;
        this.clock = clock;
    }

    /**
     * Opens a fixed-size pool of {@code poolSize} connections to {@code jdbcUrl}.
     *
     * @param connectionTimeout how long a caller may wait for a free connection before failing
     * @throws SQLException when the database cannot be reached, naming the redacted URL
     */
    public static Database open(String jdbcUrl, String poolName, int poolSize, Duration connectionTimeout, MonotonicClock clock)
            throws SQLException {
        JdbcUrls.Kind kind = JdbcUrls.kindOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(JdbcUrls.forPool(jdbcUrl));
        config.setPoolName(poolName);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(connectionTimeout.toMillis(), 5_000)));
        config.setInitializationFailTimeout(Math.max(1, connectionTimeout.toMillis()));
        config.setAutoCommit(true);
        config.setExceptionOverride(new DeadConnectionRule());
        if (kind == JdbcUrls.Kind.H2) {
            config.setDriverClassName("org.h2.Driver");
        } else {
            config.setDriverClassName("org.postgresql.Driver");
        }
        try {
            return new Database(new HikariDataSource(config), kind, clock);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SQLException("cannot connect to " + JdbcUrls.redact(jdbcUrl) + ": " + cause.getMessage(), cause);
        }
    }

    /** H2 or PostgreSQL. */
    public JdbcUrls.Kind kind() {
        return kind;
    }

    /** The pool itself, for schema migration at start. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Borrows a connection, runs {@code work} on it and gives it back, reporting pool wait and query
     * time to {@code timer}. The connection is in auto-commit mode when {@code work} starts; work
     * that turns auto-commit off and fails half-way is rolled back by the pool when the connection
     * is returned (HikariCP rolls back uncommitted work and restores auto-commit on close).
     */
    public <T> T call(DbTimer timer, SqlWork<T> work) throws SQLException {
        long askedAt = clock.nanoTime();
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            timer.poolWaitNanos(clock.nanoTime() - askedAt); // the whole wait was spent, in vain
            throw e;
        }
        long heldAt = clock.nanoTime();
        timer.poolWaitNanos(heldAt - askedAt);
        try (connection) {
            return work.run(connection);
        } finally {
            timer.queryNanos(clock.nanoTime() - heldAt);
        }
    }

    /** Whether the database answers a trivial query within {@code timeout}. */
    public boolean isReachable(DbTimer timer, Duration timeout) {
        try {
            return call(timer, c -> c.isValid((int) Math.max(1, timeout.toSeconds())));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Connections in use and waiting callers, for health details. */
    public String poolState() {
        var mx = pool.getHikariPoolMXBean();
        return mx == null ? "closed" : mx.getActiveConnections() + "/" + pool.getMaximumPoolSize()
                + " connections in use, " + mx.getThreadsAwaitingConnection() + " waiting";
    }

    @Override
    public void close() {
        pool.close();
    }
}
