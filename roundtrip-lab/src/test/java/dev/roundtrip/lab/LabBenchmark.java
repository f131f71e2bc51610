package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.PathSpec;
import dev.roundtrip.lab.wire.WireStats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Wire fidelity and throughput, measured with iperf3 between two lab hosts (not a test: run by hand,
 * see the module README). Arguments: {@code DELAY_MS [RATE_MBIT QUEUE_MS] -- IPERF3_CLIENT_ARGS...}; prints
 * iperf3's report and the wire's statistics.
 */
public final class LabBenchmark {
    private LabBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> all = List.of(args);
        int separator = all.indexOf("--");
        List<String> wire = separator < 0 ? all : all.subList(0, separator);
        List<String> clientArgs = separator < 0 ? List.of() : all.subList(separator + 1, all.size());
        PathSpec spec = PathSpec.delay(Duration.ofMillis(Long.parseLong(wire.get(0))));
        if (wire.size() >= 3) {
            spec = spec.withRate(Long.parseLong(wire.get(1)) * 1_000_000, Duration.ofMillis(Long.parseLong(wire.get(2))));
        }
        System.out.println("path (both directions): " + spec);
        try (Lab lab = Lab.start(new LabSpec("bench", List.of(LabHost.of("client", "198.18.0.1"), LabHost.of("server", "198.18.0.2")),
                PathTable.uniform(spec), 1, Optional.empty()))) {
            List<String> server = new ArrayList<>(lab.execPrefix("server"));
            server.addAll(List.of("iperf3", "-s", "-1", "-B", "198.18.0.2"));
            Process iperfServer = new ProcessBuilder(server).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(500);
                List<String> client = new ArrayList<>(lab.execPrefix("client"));
                client.addAll(List.of("iperf3", "-c", "198.18.0.2"));
                client.addAll(clientArgs);
                Process iperfClient = new ProcessBuilder(client).inheritIO().start();
                if (!iperfClient.waitFor(120, TimeUnit.SECONDS)) {
                    iperfClient.destroyForcibly();
                    throw new IOException("iperf3 client did not finish within 120 s");
                }
            } finally {
                iperfServer.destroy();
                iperfServer.waitFor(5, TimeUnit.SECONDS);
            }
            WireStats stats = lab.stats();
            for (WireStats.PathStats path : stats.paths()) {
                System.out.printf("%s -> %s: packets %d delivered %d (%d bytes) loss %d queue %d tun-write %d lateness %s%n",
                        path.from(), path.to(), path.packets(), path.delivered(), path.bytesDelivered(), path.droppedLoss(),
                        path.droppedQueue(), path.droppedTunWrite(), path.lateness());
            }
            System.out.println("hosts: " + stats.hosts() + " no-buffer drops: " + stats.noBufferDrops());
            System.out.println("all paths lateness: " + stats.lateness());
            System.out.println("JVM CPU time (wire, plus JVM start) " + ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis() + " ms");
        }
    }
}
