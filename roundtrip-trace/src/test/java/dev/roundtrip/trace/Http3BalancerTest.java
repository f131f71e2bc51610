package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracing client against the real load balancer with an HTTP/3 listener: h3 end to end,
 * Alt-Svc discovery with {@code --http auto}, 0-RTT on a resumed connection (served for GET,
 * refused with 425 for POST), and garbage datagrams on the QUIC port that leave other
 * connections alone.
 */
class Http3BalancerTest {
    @TempDir
    static Path caDir;
    static LocalCa ca;
    static TestHttpServer upstream;
    static LoadBalancer lb;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.loadOrCreate(caDir);
        upstream = TestHttpServer.http1(Behavior.ok().withBody(1000));
        lb = balancer("h3-lb", twoWorkers(""));
        List<BoundAddress> bound = lb.start().get(20, TimeUnit.SECONDS);
        port = bound.stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow().real().getPort();
        assertThat(bound.stream().filter(b -> b.protocol().equals("https")).findFirst().orElseThrow().real().getPort()).isEqualTo(port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (lb != null) {
            lb.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The short-form YAML of an HTTP/3 balancer with two workers in front of {@link #upstream}, plus {@code extra} lines. */
    static String twoWorkers(String extra) {
        return """
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test, 127.0.0.1] } ], ca_dir: %s }
                http3: true
                backends: [127.0.0.1:%d]
                access_log: false
                workers: 2
                """.formatted(caDir, upstream.port()) + extra;
    }

    /** A balancer named {@code name} on the short-form YAML {@code yaml}, not started. */
    static LoadBalancer balancer(String name, String yaml) throws java.io.IOException {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
        return new LoadBalancer(name, EdgeConfigParser.parse(tree, "", null), Network.host(), MonotonicClock.SYSTEM);
    }

    static TracerConfig config(HttpVersion http) {
        return TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(http)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    String url(String path) {
        return "https://api.test:" + port + path;
    }

    @Test
    void http3ThroughTheBalancerIsOneQuicPhaseThenTheExchange() {
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
            TraceResult r = tracer.run(TraceRequest.get(url("/users")));
            Timeline t = r.timeline();

            assertThat(t.failure()).isNull();
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.protocol()).isEqualTo("h3");
            assertThat(t.responseBytes()).isEqualTo(1000);
            assertThat(t.phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.DNS, PhaseKind.QUIC, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            assertThat(t.tls().alpn()).isEqualTo("h3");
            assertThat(t.tls().version()).isEqualTo("TLSv1.3");
            assertThat(t.tls().peerNames()).contains("api.test");
            assertThat(r.responseHeaders()).anySatisfy(h -> assertThat(h.name() + ": " + h.value()).isEqualTo("via: 3 roundtrip"));
            assertThat(t.serverTimings()).anySatisfy(s -> assertThat(s.name()).isEqualTo("lb"));
            // Counted once the response has been written out, which can be a moment after the client read it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(lb.metricsText())
                    .containsPattern("roundtrip_lb_requests_total\\{listener=\"default\",protocol=\"h3\",[^}]*code=\"200\"} [1-9]"));

            TraceResult again = tracer.run(TraceRequest.get(url("/users")));
            assertThat(again.timeline().connectionReused()).isTrue();
            assertThat(again.connectionId()).isEqualTo(r.connectionId());
            assertThat(again.timeline().phase(PhaseKind.QUIC)).isEmpty();
        }
    }

    /**
     * Two workers with epoll: two UDP sockets share the port (SO_REUSEPORT) and the kernel spreads
     * clients over them by address and port; every fresh client (a new UDP port each) is served
     * whole by the socket it landed on.
     */
    @Test
    void everyWorkerHasItsOwnUdpSocketAndEachClientStaysOnOne() {
        int expected = dev.roundtrip.http.Transport.best() == dev.roundtrip.http.Transport.EPOLL ? 2 : 1;
        assertThat(lb.metricsText()).contains("roundtrip_lb_quic_sockets{listener=\"default\"} " + expected);
        for (int i = 0; i < 8; i++) {
            try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
                TraceResult first = tracer.run(TraceRequest.get(url("/spread/" + i)));
                TraceResult again = tracer.run(TraceRequest.get(url("/spread/" + i)));
                assertThat(first.timeline().status()).as("client %d", i).isEqualTo(200);
                assertThat(again.timeline().status()).as("client %d, again", i).isEqualTo(200);
                assertThat(again.connectionId()).as("client %d kept its QUIC connection", i).isEqualTo(first.connectionId());
            }
        }
    }

    /**
     * The balancer on io_uring ({@code transport: io_uring}): HTTP/3 works the same there, with one
     * UDP socket per worker, and so do HTTP/2 and HTTP/1.1 on the TCP side of the same port.
     */
    @Test
    void onIoUringEveryWorkerHasItsOwnUdpSocketToo() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.roundtrip.http.Transport.IO_URING.isAvailable(),
                () -> "io_uring does not work here: " + dev.roundtrip.http.Transport.IO_URING.unavailabilityCause());
        LoadBalancer uring = balancer("uring-lb", twoWorkers("transport: io_uring\n"));
        int p = uring.start().get(20, TimeUnit.SECONDS).stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow()
                .real().getPort();
        try {
            assertThat(uring.transport()).isEqualTo(dev.roundtrip.http.Transport.IO_URING);
            assertThat(uring.metricsText()).contains("roundtrip_lb_quic_sockets{listener=\"default\"} 2");
            for (int i = 0; i < 4; i++) {
                try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
                    TraceResult first = tracer.run(TraceRequest.get("https://api.test:" + p + "/uring/" + i));
                    TraceResult again = tracer.run(TraceRequest.get("https://api.test:" + p + "/uring/" + i));
                    assertThat(first.timeline().failure()).as("client %d", i).isNull();
                    assertThat(first.timeline().status()).as("client %d", i).isEqualTo(200);
                    assertThat(first.timeline().responseBytes()).as("client %d", i).isEqualTo(1000);
                    assertThat(again.connectionId()).as("client %d kept its QUIC connection", i).isEqualTo(first.connectionId());
                }
            }
            for (HttpVersion tcp : List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)) {
                try (Tracer tracer = new Tracer(config(tcp))) {
                    TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + p + "/uring/tcp"));
                    assertThat(r.timeline().status()).as("%s", tcp).isEqualTo(200);
                    assertThat(r.timeline().responseBytes()).as("%s", tcp).isEqualTo(1000);
                }
            }
        } finally {
            uring.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
        }
    }

    /** {@code http3.qlog_dir} on the balancer and the tracer's qlog directory: each end logs its side of the connection. */
    @Test
    void bothEndsWriteAQlogOfTheConnection(@TempDir Path dir) throws Exception {
        Path serverDir = dir.resolve("server");
        Path clientDir = java.nio.file.Files.createDirectories(dir.resolve("client"));
        List<Path> clientFiles;
        LoadBalancer logged = balancer("qlog-lb", """
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test, 127.0.0.1] } ], ca_dir: %s }
                http3: { qlog_dir: %s }
                backends: [127.0.0.1:%d]
                access_log: false
                workers: 1
                """.formatted(caDir, serverDir, upstream.port()));
        try {
            int h3 = logged.start().get(20, TimeUnit.SECONDS).stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow()
                    .real().getPort();
            Tracer tracer = new Tracer(config(HttpVersion.HTTP_3).withQlogDir(clientDir));
            try (tracer) {
                assertThat(tracer.run(TraceRequest.get("https://api.test:" + h3 + "/logged")).timeline().status()).isEqualTo(200);
            }
            assertThat(tracer.qlogFiles()).singleElement().satisfies(f -> assertThat(f.getParent()).isEqualTo(clientDir));
            clientFiles = tracer.qlogFiles();
        } finally {
            logged.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
        }
        // quiche writes as it goes and flushes when the connection is freed: the tracer closed it, the balancer stopped
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (var files = java.nio.file.Files.list(clientDir)) {
                assertThat(files.toList()).as("the file the tracer names is the one in the directory").isEqualTo(clientFiles);
            }
            assertThat(qlogs(clientDir)).hasSize(1).allSatisfy(text -> assertThat(text)
                    .contains("\"vantage_point\":{\"type\":\"client\"").contains("packet_sent").contains("packet_received"));
            assertThat(qlogs(serverDir)).isNotEmpty().allSatisfy(text -> assertThat(text).contains("\"vantage_point\":{\"type\":\"server\""));
        });
    }

    private static List<String> qlogs(Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".qlog")).map(f -> {
                try {
                    return java.nio.file.Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void autoStartsOnTcpAndFollowsAltSvcToHttp3OnTheRepeat() {
        // This test is about discovery, not the fallback race: a long fallback delay keeps a slow first QUIC handshake
        // of a loaded machine from losing to the pooled h2 connection.
        try (Tracer tracer = new Tracer(config(HttpVersion.ALT_SVC).withH3FallbackDelay(Duration.ofSeconds(4)))) {
            TraceResult first = tracer.run(TraceRequest.get(url("/users")));
            TraceResult second = tracer.run(TraceRequest.get(url("/users")));

            assertThat(first.timeline().protocol()).isEqualTo("h2");
            assertThat(first.responseHeaders()).anySatisfy(h -> {
                assertThat(h.name()).isEqualTo("alt-svc");
                assertThat(h.value()).startsWith("h3=\":" + port + "\"");
            });
            assertThat(first.timeline().phase(PhaseKind.CONNECT)).isPresent();
            assertThat(second.timeline().failure()).isNull();
            assertThat(second.timeline().protocol()).isEqualTo("h3");
            assertThat(second.timeline().phase(PhaseKind.QUIC)).isPresent();
            assertThat(second.timeline().phase(PhaseKind.CONNECT)).isEmpty();
            assertThat(first.altSvc()).isNull();
            assertThat(second.altSvc().h3Port()).isEqualTo(port);
            assertThat(second.altSvc().h3Used()).isTrue();
        }
    }

    @Test
    void aPostOnAFullHandshakeIsServedNotTooEarly() {
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
            TraceResult r = tracer.run(new TraceRequest("POST", TraceRequest.parseUrl(url("/orders")), List.of(), "x=1".getBytes()));

            assertThat(r.timeline().status()).isEqualTo(200);
            assertThat(r.earlyData()).isEqualTo(EarlyData.NOT_SENT);
        }
    }

    /**
     * Whether a resumed connection offers early data in time depends on when quiche tells Netty
     * (after its first send): on a loaded machine the handshake can finish first. So up to five
     * resumed GETs: at least one must travel as 0-RTT, and every one that did must be accepted.
     */
    @Test
    void zeroRttCarriesAGetButAPostWaitsForTheHandshake() {
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3).withReuseConnections(false))) {
            TraceResult cold = tracer.run(TraceRequest.get(url("/users")));
            assertThat(cold.earlyData()).isEqualTo(EarlyData.NOT_SENT);
            assertThat(cold.timeline().tls().resumed()).isFalse();

            TraceResult early = null;
            for (int i = 0; i < 5 && early == null; i++) {
                TraceResult get = tracer.run(TraceRequest.get(url("/users")));
                assertThat(get.timeline().status()).isEqualTo(200);
                assertThat(get.timeline().tls().resumed()).isTrue();
                assertThat(get.earlyData()).isIn(EarlyData.ACCEPTED, EarlyData.NOT_SENT);
                if (get.earlyData() == EarlyData.ACCEPTED) {
                    early = get;
                }
            }
            assertThat(early).as("one of five resumed GETs went as 0-RTT").isNotNull();
            // the GET left before the handshake ended: that is what 0-RTT is
            assertThat(early.timeline().phase(PhaseKind.SEND).orElseThrow().startNanos())
                    .isLessThan(early.timeline().phase(PhaseKind.QUIC).orElseThrow().endNanos());

            // a POST on a resumed connection never rides in early data: it leaves after the handshake
            TraceResult post = tracer.run(new TraceRequest("POST", TraceRequest.parseUrl(url("/orders")), List.of(), "x=1".getBytes()));
            assertThat(post.timeline().tls().resumed()).isTrue();
            assertThat(post.earlyData()).isEqualTo(EarlyData.NOT_SENT);
            assertThat(post.timeline().phase(PhaseKind.SEND).orElseThrow().startNanos())
                    .isGreaterThanOrEqualTo(post.timeline().phase(PhaseKind.QUIC).orElseThrow().endNanos());
            assertThat(post.timeline().status()).isEqualTo(200);
        }
    }

    @Test
    void garbageDatagramsOnTheQuicPortLeaveOtherConnectionsAlone() throws Exception {
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3));
             java.net.DatagramSocket attacker = new java.net.DatagramSocket()) {
            assertThat(tracer.run(TraceRequest.get(url("/before"))).timeline().status()).isEqualTo(200);
            java.util.Random random = new java.util.Random(42);
            var target = new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                if (i % 4 == 0) {
                    junk[0] = (byte) 0xc0; // looks like a long-header Initial, with nonsense after it
                }
                attacker.send(new java.net.DatagramPacket(junk, junk.length, target));
            }
            attacker.send(new java.net.DatagramPacket(new byte[0], 0, target));
            TraceResult after = tracer.run(TraceRequest.get(url("/after")));

            assertThat(after.timeline().status()).isEqualTo(200);
            assertThat(after.timeline().connectionReused()).isTrue(); // the same QUIC connection carried on
            try (Tracer fresh = new Tracer(config(HttpVersion.HTTP_3))) {
                assertThat(fresh.run(TraceRequest.get(url("/new"))).timeline().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void curlOverH1AndH2AndOurClientOverH3GetTheSameBody() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(curl(List.of("curl", "--version")) != null, "curl not installed: skipping interop");
        List<String> base = List.of("curl", "-sS", "--max-time", "10", "--cacert", caDir.resolve("ca.pem").toString(),
                "--resolve", "api.test:" + port + ":127.0.0.1", url("/same"));
        String h1 = curl(with(base, "--http1.1"));
        String h2 = curl(with(base, "--http2"));
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
            TraceResult h3 = tracer.run(TraceRequest.get(url("/same")));

            assertThat(h3.timeline().protocol()).isEqualTo("h3");
            assertThat(h1).isNotNull().isNotEmpty().isEqualTo(h2);
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(h1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            assertThat(h3.bodySha256()).isEqualTo(sha);
        }
    }

    private static List<String> with(List<String> base, String flag) {
        List<String> cmd = new java.util.ArrayList<>(base);
        cmd.add(1, flag);
        return cmd;
    }

    /** curl's stdout, or null when curl cannot run. */
    private static String curl(List<String> cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, java.nio.charset.StandardCharsets.ISO_8859_1) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void addressValidationCostsARetryButTheRequestGetsThrough() throws Exception {
        LoadBalancer validating = balancer("retry-lb", """
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test] } ], ca_dir: %s }
                http3: { address_validation: true }
                backends: [127.0.0.1:%d]
                access_log: false
                """.formatted(caDir, upstream.port()));
        int p = validating.start().get(20, TimeUnit.SECONDS).stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow()
                .real().getPort();
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
            TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + p + "/validated"));
            assertThat(r.timeline().failure()).isNull();
            assertThat(r.timeline().status()).isEqualTo(200);
            assertThat(validating.metricsText()).containsPattern("roundtrip_lb_quic_retry_tokens_total\\{listener=\"default\",result=\"issued\"} [1-9]")
                    .containsPattern("result=\"accepted\"} [1-9]");
        } finally {
            validating.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
        }
    }
}
