package dev.roundtrip.cli;

/**
 * A command failed in a way it has already explained: the message is printed as one line and the
 * process exits with {@link #exitCode()} (commands document their codes in {@code --help}).
 */
public final class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
