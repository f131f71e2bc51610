package dev.roundtrip.app.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database up to the app's schema at start: applies each {@link Migration} not yet
 * recorded in {@code roundtrip_schema}, each in a transaction with its record. Two app servers
 * starting at once against one database may race; the loser sees a duplicate-key or
 * already-exists error, and the next attempt finds the step recorded.
 */
public final class SchemaMigrator {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final int ATTEMPTS = 5;
    /** Unique violation, table exists (PostgreSQL, H2), serialization failure, H2 lock timeout. */
    private static final Set<String> RACE_STATES = Set.of("23505", "42P07", "42S01", "40001", "HYT00");

    private final List<Migration> migrations;

    public SchemaMigrator(List<Migration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /**
     * Applies the missing migrations.
     *
     * @return the versions this call applied, empty when the database was up to date
     * @throws SQLException when a step fails for another reason than a concurrent migrator
     */
    public List<Integer> migrate(DataSource dataSource, JdbcUrls.Kind kind) throws SQLException {
        List<Integer> applied = new ArrayList<>(); // across attempts: a step committed before a race counts
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                migrateOnce(c, kind, applied);
                return List.copyOf(applied);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !RACE_STATES.contains(e.getSQLState())) {
                    throw e;
                }
                log.debug("schema migration raced with another server (SQLState {}), retrying", e.getSQLState());
            }
        }
    }

    private void migrateOnce(Connection c, JdbcUrls.Kind kind, List<Integer> applied) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS roundtrip_schema ("
                    + "version INT PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)");
        }
        for (Migration m : migrations) {
            c.setAutoCommit(false);
            try {
                if (isApplied(c, m.version())) {
                    c.rollback();
                    continue;
                }
                m.step().apply(c, kind);
                try (PreparedStatement record = c.prepareStatement(
                        "INSERT INTO roundtrip_schema (version, description, applied_at) VALUES (?, ?, ?)")) {
                    record.setInt(1, m.version());
                    record.setString(2, m.description());
                    record.setTimestamp(3, Timestamp.from(Instant.now()));
                    record.executeUpdate();
                }
                c.commit();
                applied.add(m.version());
                log.info("schema: applied {} ({})", m.version(), m.description());
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static boolean isApplied(Connection c, int version) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM roundtrip_schema WHERE version = ?")) {
            q.setInt(1, version);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }
}
