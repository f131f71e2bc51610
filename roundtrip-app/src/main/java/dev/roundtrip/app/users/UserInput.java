package dev.roundtrip.app.users;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The fields a client may write in {@code POST /users} and {@code PUT /users/{id}}, validated in one
 * step: a record that exists is a record that the database will accept (apart from a duplicate
 * e-mail, which only the database can tell).
 *
 * @param name 1 to {@value #MAX_NAME_CHARS} characters after trimming, no control characters
 * @param email an address of the form {@code local@domain.tld}, at most {@value #MAX_EMAIL_CHARS}
 *     characters, stored in lower case so that uniqueness ignores case
 */
public record UserInput(String name, String email) {
    public static final int MAX_NAME_CHARS = 200;
    public static final int MAX_EMAIL_CHARS = 254;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

    public UserInput {
        if (name == null) {
            throw new InvalidUserException("name", "name is required");
        }
        name = name.strip();
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw new InvalidUserException("name", "name must be 1 to " + MAX_NAME_CHARS + " characters, got " + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidUserException("name", "name must not contain control characters");
        }
        if (email == null) {
            throw new InvalidUserException("email", "email is required");
        }
        email = email.strip().toLowerCase(Locale.ROOT);
        if (email.length() > MAX_EMAIL_CHARS) {
            throw new InvalidUserException("email", "email must be at most " + MAX_EMAIL_CHARS + " characters, got " + email.length());
        }
        if (!EMAIL.matcher(email).matches()) {
            throw new InvalidUserException("email", "email must look like name@example.com, got '" + email + "'");
        }
    }
}
