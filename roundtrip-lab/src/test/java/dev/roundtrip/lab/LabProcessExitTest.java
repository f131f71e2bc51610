package dev.roundtrip.lab;

import dev.roundtrip.lab.ns.RunRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lab in another JVM: SIGTERM (what Ctrl-C amounts to) runs the shutdown hook, which removes
 * everything; SIGKILL (a crash) leaves namespaces behind, which {@link Lab#clean()} then removes.
 */
class LabProcessExitTest {

    @BeforeEach
    void privileged() {
        LabTesting.assumePrivileged();
    }

    @Test
    void sigtermRunsTheShutdownHook() throws Exception {
        String runId = LabTesting.freshRunId();
        Process child = startChild(runId);
        assertThat(LabTesting.leftovers(runId)).hasSize(4);
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(LabTesting.leftovers(runId)).isEmpty();
        assertThat(Files.exists(RunRegistry.pidFile(runId))).isFalse();
    }

    @Test
    void sigkillLeavesNamespacesThatCleanRemoves() throws Exception {
        String runId = LabTesting.freshRunId();
        Process child = startChild(runId);
        child.destroyForcibly(); // SIGKILL: no hook runs
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(LabTesting.leftovers(runId)).hasSize(4);
        // the TUN devices closed with the process, so the namespaces hold only lo, and what the run started
        // inside them lives on (as a host's services do when `lab up` is killed): clean stops it first
        Process orphan = new ProcessBuilder("ip", "netns", "exec", "rtlab-" + runId + "-0", "sleep", "60").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (dev.roundtrip.lab.ns.IpCommand.run("netns", "pids", "rtlab-" + runId + "-0").output().isBlank()
                && System.nanoTime() < deadline) {
            Thread.sleep(10); // until it has entered the namespace
        }
        assertThat(Lab.clean()).contains("1 process(es) left running in rtlab-" + runId + "-0 (stopped)",
                "namespace rtlab-" + runId + "-0", "namespace rtlab-" + runId + "-1",
                "/etc/netns/rtlab-" + runId + "-0", RunRegistry.pidFile(runId).toString());
        assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).as("the orphan was stopped").isTrue();
        assertThat(LabTesting.leftovers(runId)).isEmpty();
    }

    private static Process startChild(String runId) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("java.class.path"); // surefire's booter jar names every test dependency
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                LabChild.class.getName(), runId)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> up = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) { // drains until the child exits
                    seen.append(line).append('\n');
                    if (line.startsWith("up ")) {
                        up.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // child gone
            }
            up.completeExceptionally(new AssertionError("lab child JVM exited before its lab was up:\n" + seen));
        });
        assertThat(up.get(30, TimeUnit.SECONDS)).isEqualTo("up rtlab-" + runId + "-0");
        return child;
    }
}
