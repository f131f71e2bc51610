package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.cli.CommandFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a roundtrip command inside one lab host's network namespace, as its own process (so its
 * sockets live there), and reads back the JSON file it wrote: how the scenarios run
 * {@code roundtrip trace --json-file} and the page loader in their client hosts.
 */
final class LabTrace {
    /** What the command printed (a waterfall, progress lines) and the JSON document it wrote. */
    record Output(String printed, JsonNode json) {}

    private LabTrace() {}

    /**
     * Runs {@code roundtrip ARGS --json-file FILE} inside {@code host}; FILE is
     * {@code runDir/name.json} and the command's stderr goes to {@code runDir/name.log}.
     *
     * @throws CommandFailure exit 1 naming the host, when it fails, does not finish within
     *     {@code timeout}, or writes no JSON
     */
    static Output run(RunningLab running, String host, String name, List<String> args, Duration timeout) {
        return run(running, host, name, args, timeout, line -> { });
    }

    /** Like {@link #run(RunningLab, String, String, List, Duration)}, passing each printed line to {@code progress} as it comes. */
    static Output run(RunningLab running, String host, String name, List<String> args, Duration timeout,
                      java.util.function.Consumer<String> progress) {
        Path jsonFile = running.runDir().resolve(name + ".json");
        Path errors = running.runDir().resolve(name + ".log");
        List<String> command = new ArrayList<>(running.lab().execPrefix(host));
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--json-file", jsonFile.toString()));
        command.addAll(SelfCommand.roundtrip(all));
        String what = "roundtrip " + args.getFirst() + " from " + host;
        try {
            Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            StringBuilder output = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        progress.accept(line);
                    }
                } catch (IOException e) {
                    // the process went away; its exit code says what happened
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CommandFailure(1, what + " did not finish in " + timeout.toSeconds() + " s (log: " + errors + ")");
            }
            reader.join(5_000);
            String printed;
            synchronized (output) {
                printed = output.toString();
            }
            if (p.exitValue() != 0) {
                throw new CommandFailure(1, what + " failed (exit " + p.exitValue() + "):\n" + printed.strip()
                        + "\n" + Files.readString(errors).strip());
            }
            return new Output(printed, new ObjectMapper().readTree(jsonFile.toFile()));
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(1, "interrupted");
        }
    }
}
