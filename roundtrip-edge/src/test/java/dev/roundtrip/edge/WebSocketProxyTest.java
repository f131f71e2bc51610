package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.proxy.DrainStarted;
import dev.roundtrip.edge.tunnel.Tunnels;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSockets through the balancer on real sockets: client -> balancer -> {@link WsBackend}, over
 * HTTP/1.1 Upgrade and HTTP/2 extended CONNECT; order and integrity of many messages, the idle
 * timeout, drain with 1001, a non-101 answer, a dead endpoint retried before the upgrade, metrics.
 */
class WebSocketProxyTest {
    static final int MESSAGES = 1000;

    static EdgeConfig config(String backends, String extra) throws Exception {
        return ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                admin: { address: 127.0.0.1:0 }
                access_log: false
                %s
                """.formatted(backends, extra));
    }

    @Test
    void thousandMessagesEachWayInOrderOverHttp1() throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            try (WsClient c = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                WsClient.Handshake h = c.handshake();
                assertThat(h.status()).isEqualTo(101);
                assertThat(h.header("x-served-by")).isEqualTo("a");
                assertThat(h.header("via")).isEqualTo("1.1 roundtrip");
                await().atMost(Duration.ofSeconds(5)).until(() -> edge.lb.tunnels().open() == 1);
                echoMany(c);
            }
            FullHttpSeen seen = FullHttpSeen.of(a);
            assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(seen.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
            assertThat(seen.header("upgrade")).isEqualTo("websocket");
            Tunnels t = edge.lb.tunnels();
            await().atMost(Duration.ofSeconds(10)).until(() -> t.open() == 0);
            assertThat(t.total()).isEqualTo(1);
            assertThat(t.closed(Tunnels.CloseReason.CLIENT)).isEqualTo(1);
            long payload = 0;
            for (int i = 0; i < MESSAGES; i++) {
                payload += ("message " + i + " " + "x".repeat(i % 200)).length() + payload(i).length;
            }
            // Every message each way, plus the Close frames: the client's (1000 "done"), the backend's (1000 "bye").
            String metrics = edge.lb.metricsText();
            assertThat(metrics).contains("roundtrip_lb_websocket_tunnels_total 1")
                    .contains("roundtrip_lb_websocket_frames_total{direction=\"upstream\"} " + (2 * MESSAGES + 1))
                    .contains("roundtrip_lb_websocket_frames_total{direction=\"downstream\"} " + (2 * MESSAGES + 1))
                    .contains("roundtrip_lb_websocket_bytes_total{direction=\"upstream\"} " + (payload + 6))
                    .contains("roundtrip_lb_websocket_bytes_total{direction=\"downstream\"} " + (payload + 5))
                    .contains("roundtrip_lb_requests_total{listener=\"default\",protocol=\"h1\",route=\"*/\",cluster=\"default\",code=\"101\"} 1");
        }
    }

    @Test
    void thousandMessagesEachWayInOrderOverHttp2ExtendedConnect() throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            try (WsClient c = WsClient.h2(edge.address("http"), "/ws/echo", Map.of())) {
                assertThat(c.connectProtocolEnabled.get(5, TimeUnit.SECONDS)).as("SETTINGS_ENABLE_CONNECT_PROTOCOL").isTrue();
                WsClient.Handshake h = c.handshake();
                assertThat(h.status()).isEqualTo(200);
                assertThat(h.header("x-served-by")).isEqualTo("a");
                assertThat(h.header("via")).isEqualTo("2 roundtrip");
                assertThat(h.headers()).doesNotContainKey("sec-websocket-accept");
                echoMany(c);
            }
            FullHttpSeen seen = FullHttpSeen.of(a);
            assertThat(seen.uri).isEqualTo("/ws/echo");
            assertThat(seen.header("host")).isEqualTo("localhost");
            assertThat(seen.header("sec-websocket-key")).isNotBlank();
            assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.tunnels().open() == 0);
            assertThat(edge.lb.tunnels().total()).isEqualTo(1);
        }
    }

    @Test
    void plainRequestsShareAnHttp2ConnectionWithATunnel() throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            try (WsClient c = WsClient.h2(edge.address("http"), "/ws/echo", Map.of())) {
                assertThat(c.handshake().status()).isEqualTo(200);
                // Streams opened after a tunnel on its connection: each has a channel, next to the tunnel's.
                for (int i = 0; i < 20; i++) {
                    assertThat(c.get("/plain/" + i)).isEqualTo("404 no websocket here");
                }
                echoMany(c);
                assertThat(c.get("/plain/last")).isEqualTo("404 no websocket here");
            }
        }
    }

    /** Writes {@value #MESSAGES} text and {@value #MESSAGES} binary messages without waiting, then reads every echo in order. */
    private static void echoMany(WsClient c) throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            c.sendText("message " + i + " " + "x".repeat(i % 200));
            c.sendBinary(payload(i));
            if (i % 50 == 0) {
                c.flush();
            }
        }
        c.flush();
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(c.next(10)).isEqualTo("message " + i + " " + "x".repeat(i % 200));
            assertThat((byte[]) c.next(10)).isEqualTo(payload(i));
        }
        c.sendClose(1000);
        assertThat(c.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[1 + i % 700];
        Arrays.fill(b, (byte) i);
        b[0] = (byte) (i >> 8);
        return b;
    }

    @Test
    void upgradesBeyondMaxTunnelsAre503() throws Exception {
        try (WsBackend a = new WsBackend("a");
                EdgeHarness edge = new EdgeHarness(config(a.hostPort(), "websocket: { max_tunnels: 1 }"))) {
            try (WsClient first = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                assertThat(first.handshake().status()).isEqualTo(101);
                try (WsClient second = WsClient.h2(edge.address("http"), "/ws/echo", Map.of())) {
                    assertThat(second.handshake().status()).isEqualTo(503);
                }
                assertThat(edge.lb.metricsText()).contains("roundtrip_lb_websocket_tunnels_refused_total 1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.tunnels().open() == 0);
            try (WsClient third = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                assertThat(third.handshake().status()).as("the place is free again").isEqualTo(101);
            }
        }
    }

    @Test
    void aNon101AnswerIsRelayedAsAResponse() throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            try (WsClient c = WsClient.h1(edge.address("http"), "/chat", Map.of())) {
                assertThat(c.handshake().status()).isEqualTo(404);
            }
            try (WsClient c = WsClient.h2(edge.address("http"), "/chat", Map.of())) {
                assertThat(c.handshake().status()).isEqualTo(404);
            }
            assertThat(edge.lb.tunnels().total()).isZero();
        }
    }

    @Test
    void aDeadEndpointIsRetriedBeforeTheUpgrade() throws Exception {
        WsBackend dead = new WsBackend("dead");
        String deadAddress = dead.hostPort();
        dead.kill();
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(deadAddress + ", " + a.hostPort(), ""))) {
            for (int i = 0; i < 4; i++) {
                try (WsClient c = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                    assertThat(c.handshake().status()).isEqualTo(101);
                    assertThat(c.handshake().header("x-served-by")).isEqualTo("a");
                }
            }
            assertThat(edge.lb.cluster("default").retries()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theConnectionIdleTimeoutLeavesAnOpenTunnelAlone() throws Exception {
        long connectionIdleMillis = 300;
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(),
                "limits: { idle_timeout: " + connectionIdleMillis + "ms }\nwebsocket: { idle_timeout: 60s }"))) {
            for (boolean h2 : new boolean[] {false, true}) {
                try (WsClient c = h2 ? WsClient.h2(edge.address("http"), "/ws/echo", Map.of())
                        : WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                    c.handshake();
                    Thread.sleep(3 * connectionIdleMillis);
                    c.sendText("still open");
                    c.flush();
                    assertThat(c.next(10)).as(h2 ? "h2" : "h1").isEqualTo("still open");
                    assertThat(c.closeStatus).isNotDone();
                }
            }
        }
    }

    @Test
    void aSilentTunnelIsClosedWith1001AfterTheIdleTimeout() throws Exception {
        long idleMillis = 300;
        try (WsBackend a = new WsBackend("a");
                EdgeHarness edge = new EdgeHarness(config(a.hostPort(), "websocket: { idle_timeout: " + idleMillis + "ms }"))) {
            for (boolean h2 : new boolean[] {false, true}) {
                try (WsClient c = h2 ? WsClient.h2(edge.address("http"), "/ws/echo", Map.of())
                        : WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                    c.handshake();
                    long start = System.nanoTime();
                    c.sendText("one");
                    c.flush();
                    assertThat(c.next(10)).isEqualTo("one");
                    assertThat(c.closeStatus.get(20, TimeUnit.SECONDS)).isEqualTo(1001);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(idleMillis);
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.tunnels().open() == 0);
            assertThat(edge.lb.tunnels().closed(Tunnels.CloseReason.IDLE_TIMEOUT)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.closesReceived.size() == 2);
            assertThat(a.closesReceived).containsExactly(1001, 1001);
        }
    }

    @Test
    void aReloadThatRemovesTheTunnelsBackendLeavesOpenTunnelsOpen() throws Exception {
        try (WsBackend a = new WsBackend("a"); WsBackend b = new WsBackend("b");
                EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            WsClient h1 = WsClient.h1(edge.address("http"), "/ws/echo", Map.of());
            WsClient h2 = WsClient.h2(edge.address("http"), "/ws/echo", Map.of());
            try (h1; h2) {
                assertThat(h1.handshake().header("x-served-by")).isEqualTo("a");
                assertThat(h2.handshake().header("x-served-by")).isEqualTo("a");
                ReloadResult r = edge.lb.reload(config(b.hostPort(), "")).get(10, TimeUnit.SECONDS);
                assertThat(r.outcome()).as(r.message()).isEqualTo(ReloadResult.Outcome.APPLIED);
                // New upgrades go to the new endpoint; the tunnels opened before keep relaying to theirs.
                try (WsClient after = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                    assertThat(after.handshake().header("x-served-by")).isEqualTo("b");
                }
                for (WsClient c : List.of(h1, h2)) {
                    c.sendText("after the reload");
                    c.flush();
                    assertThat(c.next(10)).isEqualTo("after the reload");
                }
                assertThat(edge.lb.tunnels().open()).isEqualTo(2);
            }
        }
    }

    @Test
    void stoppingTheBalancerClosesOpenTunnelsWith1001WithinTheGrace() throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            WsClient h1 = WsClient.h1(edge.address("http"), "/ws/echo", Map.of());
            WsClient h2 = WsClient.h2(edge.address("http"), "/ws/echo", Map.of());
            try (h1; h2) {
                h1.handshake();
                h2.handshake();
                await().atMost(Duration.ofSeconds(5)).until(() -> edge.lb.tunnels().open() == 2);
                Duration grace = Duration.ofMillis(800);
                long start = System.nanoTime();
                CompletableFuture<Void> stopped = edge.lb.stop(grace); // SIGTERM: DrainStarted on every connection
                // Still open and relaying during the grace.
                h1.sendText("still here");
                h1.flush();
                assertThat(h1.next(10)).isEqualTo("still here");
                assertThat(h1.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
                assertThat(h2.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
                // The close goes out when three quarters of the grace are over, so its handshake fits in the rest.
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(grace.toMillis() * 3 / 4);
                stopped.get(10, TimeUnit.SECONDS);
            }
            assertThat(edge.lb.tunnels().closed(Tunnels.CloseReason.DRAIN)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.closesReceived.size() == 2);
            assertThat(a.closesReceived).containsExactly(1001, 1001);
        }
    }

    @Test
    void aFrameOverTheLimitClosesTheTunnelWith1009() throws Exception {
        try (WsBackend a = new WsBackend("a");
                EdgeHarness edge = new EdgeHarness(config(a.hostPort(), "websocket: { max_frame_bytes: 1KiB }"))) {
            try (WsClient c = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                c.handshake();
                c.sendBinary(new byte[1024]);
                c.flush();
                assertThat((byte[]) c.next(10)).hasSize(1024);
                c.sendBinary(new byte[1025]);
                c.flush();
                assertThat(c.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.tunnels().open() == 0);
            assertThat(edge.lb.tunnels().closed(Tunnels.CloseReason.PROTOCOL_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void aTunnelIsClosedWith1001AtItsMaxLifetimeEvenWhenBusy() throws Exception {
        long lifetimeMillis = 400;
        try (WsBackend a = new WsBackend("a");
                EdgeHarness edge = new EdgeHarness(config(a.hostPort(), "websocket: { max_lifetime: " + lifetimeMillis + "ms }"))) {
            try (WsClient c = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                c.handshake();
                long start = System.nanoTime();
                int i = 0;
                while (!c.closeStatus.isDone() && TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 20) {
                    c.sendText("tick " + i++);
                    c.flush();
                    Thread.sleep(20);
                }
                assertThat(c.closeStatus.get(1, TimeUnit.SECONDS)).isEqualTo(1001);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(lifetimeMillis);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.tunnels().open() == 0);
            assertThat(edge.lb.tunnels().closed(Tunnels.CloseReason.MAX_LIFETIME)).isEqualTo(1);
        }
    }

    /**
     * The backend stops reading: the balancer must stop reading the client too (the client's
     * writes back up to its own socket) instead of buffering without bound; when the backend reads
     * again, every message gets through.
     */
    @Test
    void aBackendThatStopsReadingHoldsTheClientBackNotTheBalancersMemory() throws Exception {
        long limit = 256L << 20;
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(config(a.hostPort(), ""))) {
            try (WsClient c = WsClient.h1(edge.address("http"), "/ws/echo", Map.of())) {
                c.handshake();
                await().atMost(Duration.ofSeconds(5)).until(() -> edge.lb.tunnels().open() == 1);
                a.pauseReading();
                byte[] chunk = new byte[256 * 1024];
                long sent = 0;
                int frames = 0;
                long blockedSince = -1;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sent < limit && System.nanoTime() < deadline) {
                    if (c.isWritable()) {
                        blockedSince = -1;
                        chunk[0] = (byte) frames;
                        c.sendBinary(chunk.clone());
                        c.flush();
                        sent += chunk.length;
                        frames++;
                    } else if (blockedSince < 0) {
                        blockedSince = System.nanoTime();
                    } else if (System.nanoTime() - blockedSince > TimeUnit.SECONDS.toNanos(1)) {
                        break; // held back for a whole second: the balancer stopped reading
                    } else {
                        Thread.sleep(5);
                    }
                }
                assertThat(sent).as("bytes the client could send while the backend did not read").isLessThan(limit);
                a.resumeReading();
                for (int i = 0; i < frames; i++) {
                    byte[] echo = (byte[]) c.next(20);
                    assertThat(echo).hasSize(chunk.length);
                    assertThat(echo[0]).isEqualTo((byte) i);
                }
            }
        }
    }

    @Test
    void extendedConnectOverTlsWithAlpnH2(@TempDir Path caDir) throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [localhost] } ], ca_dir: %s }
                backends: [%s]
                access_log: false
                """.formatted(caDir, a.hostPort())))) {
            var ca = dev.roundtrip.tls.LocalCa.loadOrCreate(caDir);
            var tls = dev.roundtrip.tls.TlsContexts.nettyClient(java.util.List.of(ca.certificate()), java.util.List.of("h2"));
            try (WsClient c = WsClient.h2(edge.address("https"), "/ws/echo", Map.of(), tls)) {
                WsClient.Handshake h = c.handshake();
                assertThat(h.status()).isEqualTo(200);
                assertThat(h.header("x-served-by")).isEqualTo("a");
                for (int i = 0; i < 200; i++) {
                    c.sendText("h2 over tls " + i);
                }
                c.flush();
                for (int i = 0; i < 200; i++) {
                    assertThat(c.next(10)).isEqualTo("h2 over tls " + i);
                }
                c.sendClose(1000);
                assertThat(c.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
            }
            assertThat(FullHttpSeen.of(a).header("x-forwarded-proto")).isEqualTo("https");
        }
    }

    @Test
    void theJdkWebSocketClientOverTls(@TempDir Path caDir) throws Exception {
        try (WsBackend a = new WsBackend("a"); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [localhost] } ], ca_dir: %s }
                backends: [%s]
                access_log: false
                """.formatted(caDir, a.hostPort())))) {
            var ca = dev.roundtrip.tls.LocalCa.loadOrCreate(caDir);
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(dev.roundtrip.tls.TlsContexts.jdkClient(java.util.List.of(ca.certificate()))).build();
            java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
            java.net.http.WebSocket ws = client.newWebSocketBuilder()
                    .buildAsync(java.net.URI.create("wss://localhost:" + edge.port("https") + "/ws/echo"), new java.net.http.WebSocket.Listener() {
                        private final StringBuilder part = new StringBuilder();

                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            part.append(data);
                            if (last) {
                                got.add(part.toString());
                                part.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int status, String reason) {
                            closed.complete(status);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                ws.sendText("over tls " + i, true).get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("over tls " + i);
            }
            ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
            client.shutdownNow();
            assertThat(edge.lb.tunnels().total()).isEqualTo(1);
        }
    }

    @Test
    void stickinessHoldsAcrossReconnectsAndMovesWhenTheBackendDies() throws Exception {
        WsBackend a = new WsBackend("a");
        WsBackend b = new WsBackend("b");
        WsBackend c = new WsBackend("c");
        Map<String, WsBackend> byName = Map.of("a", a, "b", b, "c", c);
        try (a; b; c; EdgeHarness edge = new EdgeHarness(config(a.hostPort() + ", " + b.hostPort() + ", " + c.hostPort(),
                "policy: cookie:rt_affinity"))) {
            InetSocketAddress lb = edge.address("http");
            String cookie;
            String first;
            try (WsClient ws = WsClient.h1(lb, "/ws/echo", Map.of())) {
                WsClient.Handshake h = ws.handshake();
                assertThat(h.status()).isEqualTo(101);
                String setCookie = h.header("set-cookie");
                assertThat(setCookie).startsWith("rt_affinity=").contains("Path=/").contains("HTTPOnly");
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
                first = h.header("x-served-by");
            }
            for (int i = 0; i < 6; i++) {
                boolean h2 = i % 2 == 1;
                try (WsClient ws = h2 ? WsClient.h2(lb, "/ws/echo", Map.of("cookie", cookie)) : WsClient.h1(lb, "/ws/echo", Map.of("cookie", cookie))) {
                    WsClient.Handshake h = ws.handshake();
                    assertThat(h.header("x-served-by")).as("reconnect %d (%s)", i, h2 ? "h2" : "h1").isEqualTo(first);
                    assertThat(h.headers()).doesNotContainKey("set-cookie");
                }
            }
            byName.get(first).kill();
            Set<String> after = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                try (WsClient ws = WsClient.h1(lb, "/ws/echo", Map.of("cookie", cookie))) {
                    WsClient.Handshake h = ws.handshake();
                    assertThat(h.status()).isEqualTo(101);
                    after.add(h.header("x-served-by"));
                }
            }
            assertThat(after).as("one new home, not the dead backend").hasSize(1).doesNotContain(first);
        }
    }

    /** The upgrade request a backend saw. */
    record FullHttpSeen(String uri, io.netty.handler.codec.http.HttpHeaders headers) {
        static FullHttpSeen of(WsBackend b) {
            var r = b.seen.getLast();
            return new FullHttpSeen(r.uri(), r.headers());
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
