package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.PathSpec;
import dev.roundtrip.lab.wire.WireStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two hosts 50 ms apart (one way, both directions): kernel TCP and UDP between their namespaces, over
 * IPv4 and IPv6, take one round trip of at least 100 ms.
 */
class LabDelayTest {
    private static final Logger log = LoggerFactory.getLogger(LabDelayTest.class);
    private static final Duration ONE_WAY = Duration.ofMillis(50);
    private static final long RTT_NANOS = 2 * ONE_WAY.toNanos();
    /** Generous for a busy 2-core machine, yet well below a second round trip (200 ms) or a SYN retransmit (1 s). */
    private static final long SLACK_NANOS = 30_000_000;
    private static final int TRIES = 5;

    private static Lab lab;

    @BeforeAll
    static void startLab() throws LabException {
        LabTesting.assumePrivileged();
        lab = Lab.start(new LabSpec(LabTesting.freshRunId(),
                List.of(LabHost.of("client", "198.18.0.1", "2001:db8::1"), LabHost.of("server", "198.18.0.2", "2001:db8::2")),
                PathTable.uniform(PathSpec.delay(ONE_WAY)), 1, Optional.empty()));
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.2", "2001:db8::2"})
    void tcpConnectTakesOneRoundTrip(String serverAddress) throws Exception {
        InetAddress address = InetAddress.getByName(serverAddress);
        try (ServerSocket server = lab.runIn("server", () -> new ServerSocket(0, 50, address))) {
            Thread.ofVirtual().start(() -> acceptAll(server));
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < TRIES; i++) {
                nanos.add(lab.runIn("client", () -> {
                    try (Socket socket = new Socket()) {
                        long start = System.nanoTime();
                        socket.connect(new InetSocketAddress(address, server.getLocalPort()), 5000);
                        return System.nanoTime() - start;
                    }
                }));
            }
            Collections.sort(nanos);
            log.info("TCP connect to {} over 50 ms each way, ns: {}", serverAddress, nanos);
            assertThat(nanos.getFirst()).as("fastest connect, ns").isGreaterThanOrEqualTo(RTT_NANOS);
            assertThat(nanos.get(TRIES / 2)).as("median connect of %s, ns", nanos).isLessThan(RTT_NANOS + SLACK_NANOS);
        }
        WireStats.PathStats toServer = lab.stats().path("client", "server").orElseThrow();
        assertThat(toServer.delivered()).isGreaterThanOrEqualTo(TRIES);
        assertThat(toServer.droppedLoss() + toServer.droppedQueue() + toServer.droppedTunWrite()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.2", "2001:db8::2"})
    void udpRoundTripTakesOneRoundTrip(String serverAddress) throws Exception {
        InetAddress address = InetAddress.getByName(serverAddress);
        try (DatagramSocket echo = lab.runIn("server", () -> new DatagramSocket(new InetSocketAddress(address, 0)))) {
            Thread.ofVirtual().start(() -> echoAll(echo));
            try (DatagramSocket client = lab.runIn("client", DatagramSocket::new)) {
                client.setSoTimeout(5000);
                List<Long> nanos = new ArrayList<>();
                for (int i = 0; i < TRIES; i++) {
                    byte[] ping = ("ping " + i).getBytes();
                    DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                    long start = System.nanoTime();
                    client.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(address, echo.getLocalPort())));
                    client.receive(reply);
                    nanos.add(System.nanoTime() - start);
                    assertThat(new String(reply.getData(), 0, reply.getLength())).isEqualTo("ping " + i);
                }
                Collections.sort(nanos);
                log.info("UDP round trip to {} over 50 ms each way, ns: {}", serverAddress, nanos);
                assertThat(nanos.getFirst()).as("fastest round trip, ns").isGreaterThanOrEqualTo(RTT_NANOS);
                assertThat(nanos.get(TRIES / 2)).as("median round trip of %s, ns", nanos).isLessThan(RTT_NANOS + SLACK_NANOS);
            }
        }
    }

    private static void acceptAll(ServerSocket server) {
        try {
            while (true) {
                server.accept().close();
            }
        } catch (Exception closed) {
            // the test closed the server
        }
    }

    private static void echoAll(DatagramSocket socket) {
        try {
            byte[] buffer = new byte[64];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(e);
        } catch (Exception closed) {
            // the test closed the socket
        }
    }
}
