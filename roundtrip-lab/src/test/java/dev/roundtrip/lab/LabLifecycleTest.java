package dev.roundtrip.lab;

import dev.roundtrip.lab.ns.RunRegistry;
import dev.roundtrip.lab.wire.PathSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a lab host looks like from inside (addresses, routes, no way out, resolv.conf), and that nothing
 * of a run survives close(), a failed start, or (through clean()) a crash.
 */
class LabLifecycleTest {

    @BeforeEach
    void privileged() {
        LabTesting.assumePrivileged();
    }

    @Test
    void hostsSeeOnlyLabRoutesAndCloseRemovesEverything() throws Exception {
        String runId = LabTesting.freshRunId();
        Lab lab = Lab.start(new LabSpec(runId,
                List.of(LabHost.of("a", "198.18.2.1", "2001:db8::2:1"), LabHost.of("b", "198.18.2.2")),
                PathTable.uniform(PathSpec.IDEAL), 5, Optional.of(InetAddress.getByName("198.18.0.53"))));
        try {
            assertThat(lab.namespace("a")).isEqualTo("rtlab-" + runId + "-0");
            assertThat(lab.execPrefix("b")).containsExactly("ip", "netns", "exec", "rtlab-" + runId + "-1");

            assertThat(exec(lab, "a", "cat", "/etc/resolv.conf")).isEqualTo("nameserver 198.18.0.53\n");
            String addresses = exec(lab, "a", "ip", "-o", "address", "show", "dev", Lab.DEVICE);
            assertThat(addresses).contains("inet 198.18.2.1/32", "inet6 2001:db8::2:1/128").doesNotContain("fe80");
            assertThat(exec(lab, "a", "ip", "-o", "link", "show", "dev", Lab.DEVICE)).contains("mtu 1500", "qlen 5000");
            assertThat(exec(lab, "a", "ip", "route", "show")).contains("198.18.0.0/15 dev lab0").doesNotContain("default");
            assertThat(exec(lab, "a", "ip", "-6", "route", "show")).contains("2001:db8::/32 dev lab0").doesNotContain("default");
            // b has no IPv6 address, so no IPv6 route: its IPv6 connects fail at once instead of timing out
            assertThat(exec(lab, "b", "ip", "-6", "route", "show")).doesNotContain("2001:db8");
            assertThat(exec(lab, "a", "ip", "route", "get", "192.0.2.1")).contains("unreachable");

            // a packet to a lab address no host owns: counted and dropped by the wire
            lab.runIn("a", () -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.send(new DatagramPacket(new byte[8], 8, new InetSocketAddress("198.18.9.9", 9)));
                }
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lab.stats().hosts().getFirst().unknownDestination() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lab.stats().hosts().getFirst().unknownDestination()).isEqualTo(1);
            assertThat(lab.stats().hosts().getFirst().tunRingDrops()).isZero();

            assertThat(Files.exists(RunRegistry.pidFile(runId))).isTrue();
            assertThat(LabTesting.leftovers(runId)).hasSize(4); // two namespaces and their two /etc/netns dirs
        } finally {
            lab.close();
        }
        assertThat(LabTesting.leftovers(runId)).isEmpty();
        assertThat(Files.exists(RunRegistry.pidFile(runId))).isFalse();
        lab.close(); // idempotent
        assertThatThrownBy(lab::stats).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failedStartRemovesWhatItCreatedAndCleanRemovesCrashLeftovers() throws Exception {
        String runId = LabTesting.freshRunId();
        String leftover = "rtlab-" + runId + "-1";
        run("ip", "netns", "add", leftover); // as if a crashed run of the same id had left it

        LabSpec spec = new LabSpec(runId, List.of(LabHost.of("a", "198.18.3.1"), LabHost.of("b", "198.18.3.2")),
                PathTable.uniform(PathSpec.IDEAL), 5, Optional.empty());
        assertThatThrownBy(() -> Lab.start(spec))
                .isInstanceOf(LabException.class)
                .hasMessageStartingWith("create namespace " + leftover + " for host b: `ip netns add " + leftover + "` exited 1")
                .hasMessageContaining("roundtrip lab clean");
        assertThat(LabTesting.leftovers(runId)).containsExactly("/run/netns/" + leftover);

        try (Lab live = Lab.start(new LabSpec(LabTesting.freshRunId(), List.of(LabHost.of("c", "198.18.3.3")),
                PathTable.uniform(PathSpec.IDEAL), 5, Optional.empty()))) {
            // the crashed owner: a process that has exited (and a start time no live process has)
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Files.createDirectories(RunRegistry.pidFile(runId).getParent());
            Files.writeString(RunRegistry.pidFile(runId), gone.pid() + " 1\n", StandardCharsets.US_ASCII);

            List<String> removed = Lab.clean();
            assertThat(removed).contains("namespace " + leftover, RunRegistry.pidFile(runId).toString());
            assertThat(removed).noneMatch(r -> r.contains(live.spec().runId()));
            assertThat(LabTesting.leftovers(runId)).isEmpty();
            assertThat(LabTesting.leftovers(live.spec().runId())).containsExactly("/run/netns/" + live.namespace("c"));
        }
    }

    @Test
    void secondRunWithALiveRunIdIsRefused() throws Exception {
        LabSpec spec = new LabSpec(LabTesting.freshRunId(), List.of(LabHost.of("a", "198.18.4.1")),
                PathTable.uniform(PathSpec.IDEAL), 5, Optional.empty());
        try (Lab first = Lab.start(spec)) {
            assertThatThrownBy(() -> Lab.start(spec)).isInstanceOf(LabException.class)
                    .hasMessageContaining("claim run id " + spec.runId())
                    .hasMessageContaining("in use by a live process");
            assertThat(LabTesting.leftovers(spec.runId())).containsExactly("/run/netns/" + first.namespace("a"));
        }
    }

    private static String exec(Lab lab, String host, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(lab.execPrefix(host));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command, returns stdout+stderr; a non-zero exit is fine (the output says why). */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
