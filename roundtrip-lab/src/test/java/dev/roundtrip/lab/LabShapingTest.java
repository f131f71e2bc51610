package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.PathSpec;
import dev.roundtrip.lab.wire.WireStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jitter and rate limits through real namespaces: jitter keeps a path's order unless the path allows
 * reordering, and a rate-limited path cannot carry a transfer faster than its configured rate.
 */
class LabShapingTest {
    private static final Logger log = LoggerFactory.getLogger(LabShapingTest.class);
    private static final Duration DELAY = Duration.ofMillis(20);
    private static final Duration JITTER = Duration.ofMillis(10);
    private static final long RATE_BITS = 20_000_000;
    private static final int COUNT = 200;
    private static final PathSpec JITTERY = PathSpec.delay(DELAY).withJitter(JITTER);

    private static Lab lab;

    @BeforeAll
    static void startLab() throws LabException {
        LabTesting.assumePrivileged();
        PathTable paths = (from, to) -> switch (from + ">" + to) {
            case "source>ordered" -> JITTERY;
            case "source>reordered" -> JITTERY.withReorder(true);
            case "source>narrow" -> PathSpec.delay(Duration.ofMillis(5)).withRate(RATE_BITS, Duration.ofMillis(50));
            default -> PathSpec.delay(Duration.ofMillis(5));
        };
        lab = Lab.start(new LabSpec(LabTesting.freshRunId(), List.of(LabHost.of("source", "198.18.6.1"),
                LabHost.of("ordered", "198.18.6.2"), LabHost.of("reordered", "198.18.6.3"), LabHost.of("narrow", "198.18.6.4")),
                paths, 77, Optional.empty()));
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void jitterKeepsOrderUnlessReorderingIsAllowed() throws Exception {
        List<long[]> ordered = sendSequence("ordered", "198.18.6.2");
        List<long[]> reordered = sendSequence("reordered", "198.18.6.3");

        long minimumOneWay = DELAY.minus(JITTER).toNanos();
        for (List<long[]> received : List.of(ordered, reordered)) {
            assertThat(received).hasSize(COUNT);
            // same clock on both sides (one machine): one-way time never below delay - jitter
            assertThat(received.stream().mapToLong(r -> r[1]).min().orElseThrow()).isGreaterThanOrEqualTo(minimumOneWay);
        }
        log.info("inversions with jitter {}: {} without reordering, {} with", JITTER, inversions(ordered), inversions(reordered));
        assertThat(inversions(ordered)).isZero();
        assertThat(inversions(reordered)).isGreaterThan(COUNT / 10);
        assertThat(deliveredOn("source", "reordered")).isEqualTo(COUNT);
    }

    /**
     * What the wire counts as delivered on a path, once every packet the receiver got is counted:
     * the wire counts a packet after its write into the TUN device returned, and the receiver can
     * have it a moment before that (waits at most 2 s).
     */
    private static long deliveredOn(String from, String to) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long delivered = lab.stats().path(from, to).orElseThrow().delivered();
        while (delivered < COUNT && System.nanoTime() < deadline) {
            Thread.sleep(1);
            delivered = lab.stats().path(from, to).orElseThrow().delivered();
        }
        return delivered;
    }

    /** Sends COUNT numbered datagrams 0.1 ms apart; returns [sequence, one-way nanos] in arrival order. */
    private static List<long[]> sendSequence(String host, String address) throws Exception {
        InetAddress target = InetAddress.getByName(address);
        try (DatagramSocket receiver = lab.runIn(host, () -> new DatagramSocket(new InetSocketAddress(target, 0)));
             DatagramSocket sender = lab.runIn("source", DatagramSocket::new)) {
            receiver.setSoTimeout(5000);
            receiver.setReceiveBufferSize(1 << 20);
            CompletableFuture<List<long[]>> arrivals = CompletableFuture.supplyAsync(() -> {
                List<long[]> got = new ArrayList<>();
                byte[] buffer = new byte[16];
                try {
                    while (got.size() < COUNT) {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        receiver.receive(packet);
                        ByteBuffer data = ByteBuffer.wrap(packet.getData(), 0, 16);
                        long sequence = data.getLong();
                        got.add(new long[] {sequence, System.nanoTime() - data.getLong()});
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("received " + got.size() + " of " + COUNT, e);
                }
                return got;
            });
            InetSocketAddress to = new InetSocketAddress(target, receiver.getLocalPort());
            for (long i = 0; i < COUNT; i++) {
                byte[] payload = ByteBuffer.allocate(16).putLong(i).putLong(System.nanoTime()).array();
                sender.send(new DatagramPacket(payload, payload.length, to));
                long until = System.nanoTime() + 100_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            return arrivals.get(10, TimeUnit.SECONDS);
        }
    }

    private static int inversions(List<long[]> arrivals) {
        int count = 0;
        for (int i = 1; i < arrivals.size(); i++) {
            if (arrivals.get(i)[0] < arrivals.get(i - 1)[0]) {
                count++;
            }
        }
        return count;
    }

    @Test
    void rateLimitBoundsTransferTime() throws Exception {
        int bytes = 1_000_000;
        InetAddress target = InetAddress.getByName("198.18.6.4");
        try (ServerSocket server = lab.runIn("narrow", () -> new ServerSocket(0, 1, target))) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    long total = 0;
                    byte[] buffer = new byte[65536];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        total += n;
                    }
                    return total;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            lab.runIn("source", () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(target, server.getLocalPort()), 5000);
                    try (OutputStream out = socket.getOutputStream()) {
                        out.write(new byte[bytes]);
                    }
                }
                return null;
            });
            assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(bytes);
            long elapsed = System.nanoTime() - start;
            WireStats.PathStats path = lab.stats().path("source", "narrow").orElseThrow();
            log.info("1 MB through {} bit/s in {} ms; {}", RATE_BITS, elapsed / 1_000_000, path);
            // the payload alone, without headers, needs bytes * 8 / rate on the link
            assertThat(elapsed).isGreaterThanOrEqualTo(bytes * 8L * 1_000_000_000L / RATE_BITS);
            assertThat(path.bytesDelivered()).isGreaterThan(bytes);
        }
    }
}
