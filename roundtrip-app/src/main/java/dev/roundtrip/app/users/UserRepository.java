package dev.roundtrip.app.users;

import dev.roundtrip.app.db.Database;
import dev.roundtrip.app.db.DbTimer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The users table, through the pool: the SQL behind each {@code /users} request. Every write is a
 * single conditional statement (or a short transaction around one), so concurrent writers never
 * lose each other's updates and a crash never leaves half a user behind.
 *
 * <p>Thread-safe; every method blocks on JDBC and must run off the event loop.
 */
public final class UserRepository {
    /** SQLState of a unique-constraint violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String COLUMNS = "id, name, email, version, created_at, updated_at";

    private final Database database;
    private final Clock clock;

    public UserRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** The user with this id, if there is one. */
    public Optional<User> find(DbTimer timer, long id) throws SQLException {
        return database.call(timer, c -> select(c, id));
    }

    /** Up to {@code limit} users after the cursor, in id order, and the cursor of the next page. */
    public Page list(DbTimer timer, PageCursor after, int limit) throws SQLException {
        return database.call(timer, c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?")) {
                q.setLong(1, after.afterId());
                q.setInt(2, limit + 1); // one more than asked tells whether a next page exists
                List<User> users = new ArrayList<>(limit + 1);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        users.add(read(rs));
                    }
                }
                if (users.size() > limit) {
                    users.removeLast();
                    return new Page(users, Optional.of(new PageCursor(users.getLast().id())));
                }
                return new Page(users, Optional.empty());
            }
        });
    }

    /** Inserts a new user at version 1. */
    public WriteResult create(DbTimer timer, UserInput input) throws SQLException {
        Instant now = now();
        return database.call(timer, c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO users (name, email, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                    new String[] {"id"})) {
                insert.setString(1, input.name());
                insert.setString(2, input.email());
                insert.setObject(3, utc(now));
                insert.setObject(4, utc(now));
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned no id for the new user");
                    }
                    return new WriteResult.Written(new User(keys.getLong(1), input.name(), input.email(), 1, now, now));
                }
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return new WriteResult.DuplicateEmail(input.email());
                }
                throw e;
            }
        });
    }

    /**
     * Replaces a user's fields if its version is still {@code expectedVersion} (any version when
     * empty), raising the version by one. The condition and the write are one statement, so of
     * several writers holding the same version exactly one succeeds.
     */
    public WriteResult update(DbTimer timer, long id, OptionalLong expectedVersion, UserInput input) throws SQLException {
        Instant now = now();
        return database.call(timer, c -> {
            c.setAutoCommit(false);
            int changed;
            String sql = "UPDATE users SET name = ?, email = ?, version = version + 1, updated_at = ? WHERE id = ?"
                    + (expectedVersion.isPresent() ? " AND version = ?" : "");
            try (PreparedStatement update = c.prepareStatement(sql)) {
                update.setString(1, input.name());
                update.setString(2, input.email());
                update.setObject(3, utc(now));
                update.setLong(4, id);
                if (expectedVersion.isPresent()) {
                    update.setLong(5, expectedVersion.getAsLong());
                }
                changed = update.executeUpdate();
            } catch (SQLException e) {
                c.rollback();
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return new WriteResult.DuplicateEmail(input.email());
                }
                throw e;
            }
            // Read back inside the transaction: the row lock taken by the update keeps the
            // version we return the one we wrote.
            Optional<User> current = select(c, id);
            c.commit();
            return outcome(id, changed, current);
        });
    }

    /** Deletes a user if its version is still {@code expectedVersion} (any version when empty). */
    public WriteResult delete(DbTimer timer, long id, OptionalLong expectedVersion) throws SQLException {
        return database.call(timer, c -> {
            c.setAutoCommit(false);
            Optional<User> before = selectForUpdate(c, id);
            if (before.isEmpty()) {
                c.rollback();
                return new WriteResult.NotFound(id);
            }
            if (expectedVersion.isPresent() && before.get().version() != expectedVersion.getAsLong()) {
                c.rollback();
                return new WriteResult.VersionMismatch(before.get());
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            c.commit();
            return new WriteResult.Written(before.get());
        });
    }

    /** How many users there are (for health details and tests). */
    public long count(DbTimer timer) throws SQLException {
        return database.call(timer, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static WriteResult outcome(long id, int changed, Optional<User> current) {
        if (current.isEmpty()) {
            return new WriteResult.NotFound(id);
        }
        return changed == 1 ? new WriteResult.Written(current.get()) : new WriteResult.VersionMismatch(current.get());
    }

    private static Optional<User> select(Connection c, long id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
            q.setLong(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<User> selectForUpdate(Connection c, long id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ? FOR UPDATE")) {
            q.setLong(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getObject(5, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS); // PostgreSQL keeps microseconds, H2 more: agree on millis
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
