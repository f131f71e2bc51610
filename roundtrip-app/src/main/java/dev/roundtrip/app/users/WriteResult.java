package dev.roundtrip.app.users;

/**
 * What a write to the users table came to. The repository decides; the HTTP layer maps each case
 * to a status (201/200/204, 404, 409, 412) without looking at SQL errors itself.
 */
public sealed interface WriteResult {
    /** The write happened; {@code user} is the row as stored (for a delete, as it was). */
    record Written(User user) implements WriteResult {}

    /** No user has this id. */
    record NotFound(long id) implements WriteResult {}

    /** The user exists but its version is not the one the writer expected: someone wrote first. */
    record VersionMismatch(User current) implements WriteResult {}

    /** Another user already has this e-mail address. */
    record DuplicateEmail(String email) implements WriteResult {}
}
