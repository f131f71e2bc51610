package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.l4.TcpMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The balancer's TCP mode (L4) on real loopback sockets: connections relayed as bytes to real
 * backends (HTTP, TLS, an echo server), the cluster's policy per connection, PROXY protocol v2,
 * half-close, backpressure, idle timeout, health checks, ejection on connect failures, and what a
 * backend crash looks like to clients with open connections (a reset) and to new ones (nothing).
 */
class TcpModeTest {
    @TempDir
    static Path caDir;

    /** One HTTP/1.1 exchange on an open socket: the status line, headers (lower-case names) and body. */
    record Response(String status, Map<String, String> headers, String body) {}

    static Socket open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static Response exchange(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: l4.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(), h.substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed (EOF) before a full response");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    static String tcpConfig(String extra, String... backends) {
        return """
                listeners:
                  - name: l4
                    address: 127.0.0.1:0
                    mode: tcp
                    cluster: app
                clusters:
                  - name: app
                    endpoints: [%s]
                %s
                admin: { address: 127.0.0.1:0 }
                access_log: false
                """.formatted(String.join(", ", backends), extra.indent(4).stripTrailing());
    }

    @Test
    void relaysEachConnectionToOneBackendRoundRobinWithConnectionMetrics() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("", a.hostPort(), b.hostPort(), c.hostPort())))) {
            int port = edge.port("tcp");
            List<String> perConnection = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                try (Socket s = open(port)) {
                    Set<String> backends = new HashSet<>();
                    for (int r = 0; r < 3; r++) { // keep-alive: every request of a connection goes where the connection went
                        Response resp = exchange(s, "/c" + i + "/r" + r);
                        assertThat(resp.status()).isEqualTo("HTTP/1.1 200 OK");
                        assertThat(resp.headers()).as("an L4 balancer adds no header").doesNotContainKey("via");
                        backends.add(resp.headers().get("x-backend"));
                    }
                    assertThat(backends).hasSize(1);
                    perConnection.add(backends.iterator().next());
                }
            }
            assertThat(perConnection).containsExactly("a", "b", "c", "a", "b", "c");
            assertThat(a.seen().getFirst()).as("nothing rewritten at L4").doesNotContainKeys("x-forwarded-for", "via", "traceparent");

            TcpMetrics m = edge.lb.tcpMetrics("l4");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> m.openConnections() == 0);
            assertThat(m.totalConnections()).isEqualTo(6);
            String metrics = ProxyTest.get(ProxyTest.client(), edge.port("admin"), "/metrics").body();
            assertThat(metrics).contains("roundtrip_lb_tcp_connections_total{listener=\"l4\"} 6",
                    "roundtrip_lb_tcp_connections_open{listener=\"l4\"} 0",
                    "roundtrip_lb_tcp_upstream_connections_total{listener=\"l4\",cluster=\"app\",endpoint=\"" + a.hostPort() + "\"} 2",
                    "roundtrip_lb_tcp_connect_failures_total{listener=\"l4\",cluster=\"app\",endpoint=\"" + a.hostPort() + "\"} 0");
            assertThat(metrics).containsPattern("roundtrip_lb_tcp_received_bytes_total\\{listener=\"l4\",cluster=\"app\",endpoint=\""
                    + a.hostPort().replace(".", "\\.") + "\"} [1-9]");
            assertThat(metrics).containsPattern("roundtrip_lb_tcp_sent_bytes_total\\{listener=\"l4\",cluster=\"app\",endpoint=\""
                    + a.hostPort().replace(".", "\\.") + "\"} [1-9]");
        }
    }

    @Test
    void stoppingTheBalancerLetsRelayedConnectionsFinishWithinTheGrace() throws Exception {
        try (TestBackend a = new TestBackend("a");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("", a.hostPort())))) {
            int port = edge.port("tcp");
            try (Socket s = open(port)) {
                assertThat(exchange(s, "/before").status()).isEqualTo("HTTP/1.1 200 OK");
                long start = System.nanoTime();
                java.util.concurrent.CompletableFuture<Void> stopped = edge.lb.stop(java.time.Duration.ofMillis(1500));
                // The listener stops accepting at once; the open connection keeps relaying during the grace.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                    try (Socket refused = new Socket()) {
                        refused.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        return false;
                    } catch (IOException e) {
                        return true;
                    }
                });
                assertThat(exchange(s, "/during").status()).isEqualTo("HTTP/1.1 200 OK");
                stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                        .as("stop waited for the open relayed connection").isGreaterThanOrEqualTo(1400);
            }
        }
    }

    @Test
    void curlThroughTheTcpListener() throws Exception {
        assumeTrue(TlsAndHttp2Test.run(List.of("curl", "--version")).exitCode() == 0, "curl not installed: skipping interop");
        try (TestBackend a = new TestBackend("a");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                     listen: 127.0.0.1:0
                     mode: tcp
                     backends: [%s]
                     access_log: false
                     """.formatted(a.hostPort())))) {
            TlsAndHttp2Test.Result r = TlsAndHttp2Test.curl("http://127.0.0.1:" + edge.port("tcp") + "/via-curl");
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).startsWith("HTTP/1.1 200").contains("x-backend: a").contains("hello from a GET /via-curl");
        }
    }

    @Test
    void tlsPassesThroughToATlsBackendWithH2NegotiatedEndToEnd() throws Exception {
        try (TestBackend app = new TestBackend("app");
             EdgeHarness tlsBackend = new EdgeHarness(ProxyTest.config("""
                     listen: 127.0.0.1:0
                     tls: { certificates: [ { names: [localhost] } ], ca_dir: %s }
                     backends: [%s]
                     access_log: false
                     """.formatted(caDir, app.hostPort())));
             EdgeHarness l4 = new EdgeHarness(ProxyTest.config("""
                     listen: 127.0.0.1:0
                     mode: tcp
                     backends: [127.0.0.1:%d]
                     access_log: false
                     """.formatted(tlsBackend.port("https"))))) {
            var ca = dev.roundtrip.tls.LocalCa.loadOrCreate(caDir);
            HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(dev.roundtrip.tls.TlsContexts.jdkClient(List.of(ca.certificate()))).build();
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:" + l4.port("tcp") + "/secret"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).as("ALPN went through the L4 listener to the TLS backend").isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("hello from app GET /secret");
            assertThat(r.sslSession()).isPresent();
            assertThat(l4.lb.tcpMetrics("default").totalConnections()).isEqualTo(1);
        }
    }

    @Test
    void proxyProtocolV2TellsTheBackendTheClientAddress() throws Exception {
        try (TcpEchoBackend echo = new TcpEchoBackend(true);
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("proxy_protocol: v2", echo.hostPort())))) {
            int port = edge.port("tcp");
            try (Socket s = open(port)) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
                assertThat(echo.proxyHeaders).containsExactly(new TcpEchoBackend.ProxySeen("PROXY", "TCP4", "127.0.0.1",
                        s.getLocalPort(), "127.0.0.1", port));
            }
        }
    }

    @Test
    void halfCloseAndBackpressureCarryFourMebibytesIntact() throws Exception {
        try (TcpEchoBackend echo = new TcpEchoBackend(false);
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("", echo.hostPort())))) {
            byte[] data = new byte[4 << 20];
            new Random(42).nextBytes(data);
            try (Socket s = open(edge.port("tcp"))) {
                // The writer sends everything, then a FIN; the echo answers it with a FIN after the last byte.
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                byte[] back = s.getInputStream().readAllBytes(); // until the FIN that came back through the balancer
                writer.get(20, TimeUnit.SECONDS);
                assertThat(back.length).isEqualTo(data.length);
                assertThat(MessageDigest.getInstance("SHA-256").digest(back)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            }
            TcpMetrics m = edge.lb.tcpMetrics("l4");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> m.openConnections() == 0);
            assertThat(m.upstreamResets()).isZero();
        }
    }

    @Test
    void aBackendThatStopsReadingStopsTheClientInsteadOfFillingTheBalancer() throws Exception {
        try (java.net.ServerSocket stalled = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("", "127.0.0.1:" + stalled.getLocalPort())))) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return stalled.accept(); // held open, never read
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long limit = 64L << 20;
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            try (Socket s = open(edge.port("tcp"))) {
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (written.get() < limit) {
                            s.getOutputStream().write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (IOException closed) {
                        // the socket is closed when the test ends
                    }
                });
                // Wait until the writer makes no progress for a second (bounded by 20 s): every buffer on the way is full.
                long last = -1;
                for (int i = 0; i < 40 && written.get() != last; i++) {
                    last = written.get();
                    Thread.sleep(500);
                }
                assertThat(written.get()).as("bytes the client could write while the backend read nothing").isLessThan(32L << 20);
                assertThat(writer.isAlive()).as("the writer is blocked, not done").isTrue();
                s.close();
                writer.join(10_000);
            } finally {
                accepted.get(5, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (TcpEchoBackend echo = new TcpEchoBackend(false);
             EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                     listeners:
                       - { name: l4, address: 127.0.0.1:0, mode: tcp, idle_timeout: 300ms }
                     clusters:
                       - { name: echo, endpoints: [%s] }
                     access_log: false
                     """.formatted(echo.hostPort())))) {
            try (Socket s = open(edge.port("tcp"))) {
                long start = System.nanoTime();
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
                assertThat(s.getInputStream().read()).as("closed by the balancer").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            }
            String metrics = edge.lb.metricsText();
            assertThat(metrics).contains("roundtrip_lb_tcp_idle_timeouts_total{listener=\"l4\"} 1");
        }
    }

    @Test
    void backendKillResetsItsOpenConnectionsWhileNewConnectionsSucceed() throws Exception {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend dead = new TestBackend("c");
        try (a; b; EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("", a.hostPort(), b.hostPort(), dead.hostPort())))) {
            int port = edge.port("tcp");
            List<Socket> open = new ArrayList<>();
            Map<Socket, String> backendOf = new HashMap<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = open(port);
                    open.add(s);
                    backendOf.put(s, exchange(s, "/before").headers().get("x-backend"));
                }
                assertThat(backendOf.values()).containsOnly("a", "b", "c").contains("c");
                dead.kill();
                int resets = 0;
                for (Socket s : open) {
                    if (backendOf.get(s).equals("c")) {
                        assertThatThrownBy(() -> exchange(s, "/after"))
                                .as("a client of the dead backend sees the crash")
                                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                        resets++;
                    } else {
                        assertThat(exchange(s, "/after").status()).isEqualTo("HTTP/1.1 200 OK");
                    }
                }
                assertThat(resets).isEqualTo(2);
                for (int i = 0; i < 9; i++) { // new connections: a refused connect moves on before any byte is relayed
                    try (Socket s = open(port)) {
                        Response r = exchange(s, "/new/" + i);
                        assertThat(r.status()).isEqualTo("HTTP/1.1 200 OK");
                        assertThat(r.headers().get("x-backend")).isIn("a", "b");
                    }
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            TcpMetrics m = edge.lb.tcpMetrics("l4");
            assertThat(m.upstreamResets()).isEqualTo(2);
            assertThat(m.connectFailures()).isGreaterThanOrEqualTo(1);
            assertThat(edge.lb.cluster("app").retries()).isEqualTo(m.connectFailures());
        }
    }

    @Test
    void failingHealthChecksAndConnectFailuresTakeAnEndpointOutOfThePicks() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig(
                     "health_check: { path: /healthz, interval: 50ms, timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 2 }",
                     a.hostPort(), b.hostPort())))) {
            b.healthStatus = 500;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.clustersText().contains(b.hostPort() + " unhealthy"));
            Endpoint eb = edge.lb.cluster("app").endpoints().get(1);
            for (int i = 0; i < 6; i++) {
                try (Socket s = open(edge.port("tcp"))) {
                    assertThat(exchange(s, "/x").headers().get("x-backend")).isEqualTo("a");
                }
            }
            assertThat(edge.lb.tcpMetrics("l4").totalConnections(eb)).isZero();
        }
        TestBackend gone = new TestBackend("gone");
        gone.kill();
        try (TestBackend a = new TestBackend("a");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig(
                     "outlier_detection: { consecutive_failures: 1, base_ejection_time: 30s, max_ejection_percent: 50 }",
                     a.hostPort(), gone.hostPort())))) {
            for (int i = 0; i < 8; i++) {
                try (Socket s = open(edge.port("tcp"))) {
                    assertThat(exchange(s, "/x").headers().get("x-backend")).isEqualTo("a");
                }
            }
            assertThat(edge.lb.tcpMetrics("l4").connectFailures()).as("ejected after its first refused connect").isEqualTo(1);
            assertThat(edge.lb.clustersText()).contains(gone.hostPort() + " ejected");
        }
    }

    @Test
    void hashOnTheClientAddressSendsEveryConnectionOfAClientToOneBackend() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(tcpConfig("policy: hash:source-ip", a.hostPort(), b.hostPort(), c.hostPort())))) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                try (Socket s = open(edge.port("tcp"))) {
                    seen.add(exchange(s, "/x").headers().get("x-backend"));
                }
            }
            assertThat(seen).as("every connection comes from 127.0.0.1").hasSize(1);
        }
    }
}
