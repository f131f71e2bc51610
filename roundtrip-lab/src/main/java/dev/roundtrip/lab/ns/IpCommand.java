package dev.roundtrip.lab.ns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} (the lab's only way to create namespaces, move devices and set addresses
 * and routes), capturing its output so a failure can be reported with the exact command and message.
 */
public final class IpCommand {
    private static final long TIMEOUT_SECONDS = 20;

    private IpCommand() {}

    /** Runs {@code ip ARGS...}; never throws for a non-zero exit, the result says it. */
    public static CommandResult run(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("ip");
        command.addAll(List.of(args));
        return exec(command, null);
    }

    /**
     * Runs {@code ip -n NAMESPACE -batch -} with {@code lines} on stdin: one process for a whole
     * host's configuration; it stops at the first failing line and names it.
     */
    public static CommandResult batch(String namespace, List<String> lines) {
        List<String> command = List.of("ip", "-n", namespace, "-batch", "-");
        CommandResult result = exec(command, String.join("\n", lines) + "\n");
        List<String> shown = new ArrayList<>(command);
        shown.add("<<< " + String.join("; ", lines));
        return new CommandResult(shown, result.exitCode(), result.output());
    }

    /** Whether {@code ip} can be run at all; empty when it can, else the reason. */
    public static String availabilityProblem() {
        CommandResult version = run("-V");
        return version.ok() ? "" : "iproute2's `ip` cannot be run (" + version.describe()
                + "): install iproute2 (Debian: apt-get install iproute2)";
    }

    static CommandResult exec(List<String> command, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new CommandResult(command, 127, e.getMessage());
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new CommandResult(command, 124, output + " (timed out after " + TIMEOUT_SECONDS + " s)");
            }
            return new CommandResult(command, process.exitValue(), output);
        } catch (IOException e) {
            process.destroyForcibly();
            return new CommandResult(command, 126, e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(command, 130, "interrupted");
        }
    }
}
