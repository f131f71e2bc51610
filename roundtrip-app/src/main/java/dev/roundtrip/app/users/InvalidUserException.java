package dev.roundtrip.app.users;

/** A field of a {@link UserInput} is missing or out of bounds; the message says which and why. */
public final class InvalidUserException extends IllegalArgumentException {
    private final String field;

    public InvalidUserException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The JSON field at fault, e.g. "email". */
    public String field() {
        return field;
    }
}
