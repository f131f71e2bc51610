package dev.roundtrip.lab;

/**
 * Whether this process can run the lab: {@code ok}, or the {@code problem} saying what is missing and
 * what to do about it.
 */
public record Privileges(boolean ok, String problem) {
    public static Privileges granted() {
        return new Privileges(true, "");
    }

    public static Privileges missing(String problem) {
        return new Privileges(false, problem);
    }
}
