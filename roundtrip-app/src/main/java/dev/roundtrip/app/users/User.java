package dev.roundtrip.app.users;

import java.time.Instant;
import java.util.Objects;

/**
 * One user as the database holds it: the row behind {@code GET /users/{id}}. {@code version} starts
 * at 1 and grows by one with every accepted update; it is what optimistic writers compare.
 *
 * @param id the database-assigned identifier, positive
 * @param name the display name, validated by {@link UserInput}
 * @param email the e-mail address, lower case and unique across users
 * @param version the optimistic-concurrency version, 1 after creation
 * @param createdAt when the row was inserted (millisecond precision on every database)
 * @param updatedAt when the row was last changed
 */
public record User(long id, String name, String email, long version, Instant createdAt, Instant updatedAt) {
    public User {
        if (id <= 0) {
            throw new IllegalArgumentException("user id must be positive: " + id);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
