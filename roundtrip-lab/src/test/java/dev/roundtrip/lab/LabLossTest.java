package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.LossModel;
import dev.roundtrip.lab.wire.PathSpec;
import dev.roundtrip.lab.wire.WireStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10% seeded random loss in both directions: kernel TCP still moves a bounded transfer intact (by
 * retransmitting), and the wire's loss-model drop rate is within binomial bounds of 10%.
 */
class LabLossTest {
    private static final Logger log = LoggerFactory.getLogger(LabLossTest.class);
    private static final double LOSS = 0.10;
    private static final int BYTES = 2 * 1024 * 1024;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tcpTransferCompletesThroughTenPercentLoss() throws Exception {
        LabTesting.assumePrivileged();
        PathSpec lossy = PathSpec.delay(Duration.ofMillis(2)).withLoss(new LossModel.Random(LOSS));
        try (Lab lab = Lab.start(new LabSpec(LabTesting.freshRunId(),
                List.of(LabHost.of("sender", "198.18.1.1"), LabHost.of("receiver", "198.18.1.2")),
                PathTable.uniform(lossy), 2026, Optional.empty()))) {
            byte[] payload = new byte[BYTES];
            new Random(1).nextBytes(payload);
            InetAddress receiverAddress = InetAddress.getByName("198.18.1.2");
            try (ServerSocket server = lab.runIn("receiver", () -> new ServerSocket(0, 1, receiverAddress))) {
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(server));
                long start = System.nanoTime();
                lab.runIn("sender", () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(receiverAddress, server.getLocalPort()), 20_000);
                        try (OutputStream out = socket.getOutputStream()) {
                            out.write(payload);
                        }
                    }
                    return null;
                });
                byte[] digest = received.get(50, TimeUnit.SECONDS);
                log.info("{} bytes through 10% loss each way in {} ms", BYTES, (System.nanoTime() - start) / 1_000_000);
                assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
            }

            WireStats.PathStats total = lab.stats().total();
            log.info("wire: {}", lab.stats());
            long judged = total.delivered() + total.droppedLoss(); // nothing else drops on this path
            assertThat(total.droppedQueue() + total.droppedTunWrite()).isZero();
            assertThat(judged).isGreaterThan(BYTES / 1500);
            double sigma = Math.sqrt(LOSS * (1 - LOSS) / judged);
            assertThat(total.lossDropRate()).as("loss-model drop rate over %d packets", judged)
                    .isBetween(LOSS - 5 * sigma, LOSS + 5 * sigma);
        }
    }

    private static byte[] readAll(ServerSocket server) {
        try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
