package dev.roundtrip.cli;

import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one clear line on stderr and exit code 1: users see
 * what went wrong, not a stack trace. {@code ROUNDTRIP_DEBUG=1} prints the trace as well.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cmd.getErr().println(cmd.getColorScheme().errorText("roundtrip " + cmd.getCommandName() + ": " + message));
        if ("1".equals(System.getenv("ROUNDTRIP_DEBUG"))) {
            e.printStackTrace(cmd.getErr());
        }
        return e instanceof CommandFailure f ? f.exitCode() : 1;
    }
}
