package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.lab.Lab;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab end to end, through the jar as a user runs it: {@code lab up} with the default topology
 * ({@code lab exec} runs dig and curl across the wire; nothing remains after SIGTERM), and the
 * tokyo-vs-newyork scenario, whose measured round trips must match the configured distances.
 * Needs root and /dev/net/tun (CI runs as root); skips visibly otherwise.
 */
class LabIT {
    static final Path JAR = Path.of(System.getProperty("roundtrip.root", ".."), "roundtrip-cli", "target", "roundtrip.jar");

    @BeforeAll
    static void needsPrivileges() {
        dev.roundtrip.lab.Privileges p = Lab.privileges();
        Assumptions.assumeTrue(p.ok(), "the lab cannot run here, skipping: " + p.problem());
    }

    static ProcessBuilder roundtrip(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("ROUNDTRIP_HOME", home.toString());
        pb.environment().remove("ROUNDTRIP_LAUNCHER");
        pb.environment().remove("COLUMNS");
        return pb;
    }

    static String run(Path home, String... args) throws Exception {
        Process p = roundtrip(home, args).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + "\n" + out).isZero();
        return out;
    }

    static List<String> namespaces() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    @Test
    void labUpServesDigAndCurlInsideHostsAndLeavesNothingBehind(@TempDir Path home) throws Exception {
        Process up = roundtrip(home, "lab", "up").redirectError(home.resolve("err.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
        String runId = null;
        try {
            List<String> printed = new ArrayList<>();
            for (String line = out.readLine(); line != null && !line.startsWith("running;"); line = out.readLine()) {
                printed.add(line);
            }
            assertThat(printed).as(Files.readString(home.resolve("err.txt"))).anyMatch(l -> l.contains("lb.example.com") && l.contains("ready in"));
            Matcher m = Pattern.compile("\\(run ([a-z0-9]+)\\)").matcher(String.join("\n", printed));
            assertThat(m.find()).as(String.join("\n", printed)).isTrue();
            runId = m.group(1);
            String prefix = "rtlab-" + runId;
            assertThat(namespaces()).anyMatch(n -> n.startsWith(prefix));

            String dig = run(home, "lab", "exec", "app-1", "--", "dig", "+tries=1", "+time=3", "api.example.com", "A");
            assertThat(dig).contains("status: NOERROR").containsPattern("api\\.example\\.com\\.\\s+\\d+\\s+IN\\s+A\\s+198\\.18\\.1\\.10")
                    .contains("SERVER: 198.18.0.2#53");
            Path ca = home.resolve("ca").resolve("ca.pem");
            String curl = run(home, "lab", "exec", "app-1", "--", "curl", "-sS", "--fail", "--max-time", "10", "--cacert", ca.toString(),
                    "https://api.example.com/users");
            assertThat(curl).startsWith("{").contains("\"users\"");
        } finally {
            up.toHandle().destroy();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("lab up stopped after SIGTERM").isTrue();
        }
        assertThat(String.join("\n", out.lines().toList())).contains("lab removed");
        String id = runId;
        assertThat(namespaces()).noneMatch(n -> n.startsWith("rtlab-" + id));
        assertThat(Path.of("/etc/netns")).satisfiesAnyOf(
                d -> assertThat(Files.exists(d)).isFalse(),
                d -> assertThat(Files.list(d).map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("rtlab-" + id)));
    }

    @Test
    void tokyoIsSlowerThanNewYorkByTheRoundTripsTheoryPredicts(@TempDir Path home) throws Exception {
        String out = run(home, "lab", "run", "tokyo-vs-newyork", "--json");
        assertThat(out).contains("== tokyo-client", "== newyork-client", "round trips: measured vs");
        String json = out.lines().filter(l -> l.startsWith("{\"clients\"")).findFirst().orElseThrow();
        JsonNode clients = new ObjectMapper().readTree(json).get("clients");
        for (JsonNode client : clients) {
            for (JsonNode phase : client.get("phases")) {
                // Physics is a lower bound: nothing arrives before the configured delays allow, less the
                // jitter (at most 1 ms on a 75 ms leg, under 2%) and clock granularity.
                assertThat(phase.get("measured_ms").asDouble()).as(client.get("client") + " " + phase.get("phase"))
                        .isGreaterThanOrEqualTo(phase.get("predicted_ms").asDouble() * 0.98 - 0.5);
            }
        }
        // On the long path each handshake takes one round trip, not two. A second round trip could only
        // make it 2.0 or more (physics again), so "< 2" tells them apart while leaving up to 150 ms
        // for a busy machine's scheduling and the JVMs' cold code.
        JsonNode tokyoPhases = clients.get(0).get("phases");
        assertThat(clients.get(0).get("client").asText()).isEqualTo("tokyo-client");
        assertThat(roundTrips(tokyoPhases, "tcp")).isGreaterThanOrEqualTo(0.97).isLessThan(2.0);
        assertThat(roundTrips(tokyoPhases, "tls")).isGreaterThanOrEqualTo(0.97).isLessThan(2.0);
        assertThat(roundTrips(tokyoPhases, "warm total")).isGreaterThanOrEqualTo(0.97).isLessThan(2.0);
        double tokyo = total(clients, "tokyo-client");
        double newYork = total(clients, "newyork-client");
        assertThat(tokyo).isGreaterThan(newYork + 3 * 140);
        Matcher m = Pattern.compile("\\(run ([a-z0-9]+)\\)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        String prefix = "rtlab-" + m.group(1);
        assertThat(namespaces()).noneMatch(n -> n.startsWith(prefix));
    }

    private static double roundTrips(JsonNode phases, String name) {
        for (JsonNode p : phases) {
            if (p.get("phase").asText().equals(name)) {
                return p.get("round_trips").asDouble();
            }
        }
        throw new AssertionError("no phase " + name + " in " + phases);
    }

    private static double total(JsonNode clients, String name) {
        for (JsonNode c : clients) {
            if (c.get("client").asText().equals(name)) {
                for (JsonNode p : c.get("phases")) {
                    if (p.get("phase").asText().equals("total")) {
                        return p.get("measured_ms").asDouble();
                    }
                }
            }
        }
        throw new AssertionError("no total for " + name);
    }
}
