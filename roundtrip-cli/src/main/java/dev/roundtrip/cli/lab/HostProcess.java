package dev.roundtrip.cli.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One lab host's services, running as their own roundtrip process inside the host's network
 * namespace ({@code ip netns exec NS roundtrip lab host ...}): started, watched until it prints its
 * ready line, its output kept in a log file, stopped by PID with SIGTERM (then SIGKILL).
 */
final class HostProcess {
    /** The line {@code lab host} prints once every service of the host is serving. */
    static final String READY = "ready";

    private final String host;
    private final Process process;
    private final Path log;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();

    private HostProcess(String host, Process process, Path log) {
        this.host = host;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its output going to {@code log}. */
    static HostProcess start(String host, List<String> command, Path log) {
        Process p;
        try {
            Files.createDirectories(log.getParent());
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst() + " for host " + host + ": " + e.getMessage(), e);
        }
        HostProcess hp = new HostProcess(host, p, log);
        Thread.ofPlatform().daemon().name("lab-host-" + host).start(hp::copyOutput);
        return hp;
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 8) {
                        tail.removeFirst();
                    }
                }
                if (line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).strip());
                }
            }
        } catch (IOException e) {
            // the process went away; waitReady reports its exit
        }
        ready.completeExceptionally(new IllegalStateException("exited before it was ready"));
    }

    /**
     * Waits until the host's services are serving and returns what the ready line says (their
     * addresses).
     *
     * @throws IllegalStateException naming the host, its exit code and the last lines it printed
     */
    String awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(host + " is not ready after " + timeout.toSeconds() + " s" + lastLines());
        } catch (java.util.concurrent.ExecutionException e) {
            String exit = "";
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    exit = " (exit code " + process.exitValue() + ")";
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(host + " stopped before it was ready" + exit + lastLines());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + host + " was starting");
        }
    }

    private String lastLines() {
        List<String> lines;
        synchronized (tail) {
            lines = new ArrayList<>(tail);
        }
        return lines.isEmpty() ? "; see " + log : ":\n    " + String.join("\n    ", lines) + "\n  (whole log: " + log + ")";
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (the services drain), then SIGKILL after {@code grace}; returns once it is gone. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
