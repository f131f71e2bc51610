package dev.roundtrip.lab.ns;

import java.util.List;

/** The outcome of one command the lab ran: its argument list, exit code and merged stdout/stderr. */
public record CommandResult(List<String> command, int exitCode, String output) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** "`ip netns add x` exited 1: Cannot create namespace file ..." */
    public String describe() {
        return "`" + String.join(" ", command) + "` exited " + exitCode
                + (output.isBlank() ? " with no output" : ": " + output.strip());
    }
}
