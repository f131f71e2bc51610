package dev.roundtrip.dns.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.dns.zone.ZoneLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs the DNS peers roundtrip did not write (dig, kdig, unbound, nsd) for interop tests, and
 * skips a test visibly when a peer or the privilege to bind port 53 is missing.
 */
final class Peers {
    private Peers() {}

    /** Skips unless {@code program} is on the PATH (or in /usr/sbin). */
    static String require(String program) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        assumeTrue(false, program + " not installed: skipping interop (apt-get install the peer to run it)");
        return null;
    }

    /** Skips unless this process may bind UDP port 53 on {@code address}. */
    static void requirePort53(InetAddress address) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 53))) {
            s.getLocalPort();
        } catch (IOException e) {
            assumeTrue(false, "cannot bind " + address.getHostAddress() + ":53 (" + e.getMessage() + "): skipping interop (needs root)");
        }
    }

    /** Output (stdout + stderr) and exit code of a finished command. */
    record Result(int exit, String output) {}

    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A long-running peer, stopped (by its own process handle) when closed. */
    static final class Daemon implements AutoCloseable {
        final Process process;
        final Path log;

        Daemon(Path log, String... command) throws IOException {
            this.log = log;
            this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A demo zone with lab server addresses replaced, e.g. 198.18.0.4 -> 127.53.0.4, and no AAAA glue. */
    static String demoZoneText(String resource, Map<String, String> addresses) throws IOException {
        try (InputStream in = Peers.class.getClassLoader().getResourceAsStream(resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (var e : addresses.entrySet()) {
                text = text.replace(e.getKey() + "\n", e.getValue() + "\n").replace(e.getKey() + " ", e.getValue() + " ");
            }
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!(line.contains("AAAA") && line.contains("2001:db8::"))) {
                    lines.add(line);
                }
            }
            return String.join("\n", lines) + "\n";
        }
    }

    static Zone zone(String text) {
        return ZoneLoader.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), null, "test zone");
    }

    static final String ROOT = DemoZones.ROOT;
    static final String COM = DemoZones.COM;
    static final String EXAMPLE = DemoZones.EXAMPLE_COM;

    /** A free UDP+TCP port on {@code address}. */
    static int freePort(InetAddress address) throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }
}
