package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.edge.config.UpstreamProtocol;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.HttpServer;
import dev.roundtrip.http.HttpServerInitializer;
import dev.roundtrip.http.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster with {@code upstream_protocol: h2c}: requests are multiplexed as HTTP/2 streams over
 * one upstream connection, a refused connect is retried on another endpoint, a stream reset in the
 * middle of a body cuts the client's response off without a retry, a response timeout resets only
 * its stream, and a GOAWAY from the backend lets the streams in flight finish while new requests
 * go to a new connection.
 */
class H2UpstreamTest {
    private static final EventLoopGroup BACKEND = Transport.NIO.newGroup(1, "h2-backend");

    @AfterAll
    static void stop() {
        BACKEND.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** An h2c (prior knowledge) backend on roundtrip's own server plumbing; answers name the connection. */
    static final class H2Backend implements AutoCloseable {
        final HttpServerInitializer init;
        final Channel listener;
        final Set<String> connections = ConcurrentHashMap.newKeySet();
        final CountDownLatch slowArrived = new CountDownLatch(1);
        /** The protocol each health-check request came in ("h1" or "h2"). */
        final Set<String> healthProtocols = ConcurrentHashMap.newKeySet();

        H2Backend() throws InterruptedException {
            init = new HttpServerInitializer(HttpLimits.DEFAULTS, null, true, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    // An HTTP/2 stream's parent is its connection; an HTTP/1.1 connection's parent is the listening socket.
                    boolean h2 = ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel;
                    Channel connection = h2 ? ctx.channel().parent() : ctx.channel();
                    String id = connection.id().asShortText();
                    connections.add(id);
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            ByteBufUtil.writeUtf8(ctx.alloc(), "h2 " + req.uri()));
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                    r.headers().set("x-connection", id);
                    r.headers().set("x-seen-protocol", h2 ? "h2" : "h1");
                    if (req.uri().startsWith("/health") || req.uri().startsWith("/sick")) {
                        healthProtocols.add(h2 ? "h2" : "h1");
                        if (req.uri().startsWith("/sick")) {
                            r.setStatus(HttpResponseStatus.SERVICE_UNAVAILABLE);
                        }
                    }
                    if (req.uri().equals("/hang")) {
                        r.release();
                        return; // never answered: the balancer's response timeout resets the stream
                    }
                    if (req.uri().equals("/cut")) { // head and part of the body, then RST_STREAM(CANCEL)
                        r.release();
                        io.netty.handler.codec.http.HttpResponse head = new io.netty.handler.codec.http.DefaultHttpResponse(
                                HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 100);
                        ctx.write(head);
                        ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), "partial")))
                                .addListener(f -> ctx.executor().schedule(() -> ctx.channel().close(), 50, TimeUnit.MILLISECONDS));
                        return;
                    }
                    if (req.uri().startsWith("/slow")) {
                        slowArrived.countDown();
                        ctx.executor().schedule(() -> ctx.writeAndFlush(r), 300, TimeUnit.MILLISECONDS);
                    } else {
                        ctx.writeAndFlush(r);
                    }
                }
            });
            listener = HttpServer.bind(Transport.NIO, BACKEND, BACKEND, new InetSocketAddress("127.0.0.1", 0), init).sync().channel();
        }

        String hostPort() {
            return "127.0.0.1:" + HttpServer.boundAddress(listener).getPort();
        }

        @Override
        public void close() {
            listener.close().syncUninterruptibly();
            init.closeAll();
        }
    }

    private static EdgeHarness edge(String... endpoints) throws Exception {
        return new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                upstream_protocol: h2c
                workers: 1
                access_log: false
                """.formatted(String.join(", ", endpoints))));
    }

    @Test
    void parsesTheUpstreamProtocolAndNamesWhatIsAllowed() throws Exception {
        assertThat(ProxyTest.config("listen: 127.0.0.1:0\nbackends: [127.0.0.1:1]\nupstream_protocol: h2c\n")
                .clusters().getFirst().upstreamProtocol()).isEqualTo(UpstreamProtocol.H2C);
        assertThat(ProxyTest.config("listen: 127.0.0.1:0\nbackends: [127.0.0.1:1]\n")
                .clusters().getFirst().upstreamProtocol()).isEqualTo(UpstreamProtocol.H1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyTest.config("listen: 127.0.0.1:0\nbackends: [127.0.0.1:1]\nupstream_protocol: h3\n"))
                .hasMessageContaining("upstream_protocol").hasMessageContaining("'h3'").hasMessageContaining("allowed: h1, h2c");
    }

    @Test
    void concurrentRequestsShareOneUpstreamConnection() throws Exception {
        try (H2Backend backend = new H2Backend(); EdgeHarness edge = edge(backend.hostPort());
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            HttpClient c = ProxyTest.client();
            List<Future<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String path = "/slow/" + i; // overlapping: each is answered 300 ms late
                all.add(pool.submit(() -> ProxyTest.get(c, edge.port("http"), path)));
            }
            for (Future<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("h2 /slow/");
                assertThat(r.headers().firstValue("x-seen-protocol")).hasValue("h2");
                assertThat(r.headers().firstValue("x-http2-stream-id")).as("conversion header kept inside").isEmpty();
            }
            assertThat(backend.connections).as("upstream connections used").hasSize(1);
        }
    }

    /** Health checks speak the cluster's protocol: an h2c-only backend would not understand an HTTP/1.1 probe. */
    @Test
    void healthChecksSpeakH2cToAnH2cCluster() throws Exception {
        for (String path : List.of("/healthz", "/sick")) {
            try (H2Backend backend = new H2Backend(); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                    listen: 127.0.0.1:0
                    backends: [%s]
                    upstream_protocol: h2c
                    health_check: { path: %s, interval: 50ms, timeout: 2s, healthy_threshold: 1, unhealthy_threshold: 2 }
                    workers: 1
                    access_log: false
                    """.formatted(backend.hostPort(), path)))) {
                String healthy = path.equals("/healthz") ? "1" : "0";
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(edge.lb.metricsText())
                        .contains("roundtrip_lb_upstream_healthy{cluster=\"default\",endpoint=\"" + backend.hostPort() + "\"} " + healthy));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(backend.healthProtocols).as("protocols of the probes of " + path).containsExactly("h2"));
            }
        }
    }

    @Test
    void aRefusedConnectIsRetriedOnAnotherEndpoint() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort(); // closed again: nothing listens there
        }
        try (H2Backend backend = new H2Backend(); EdgeHarness edge = edge(backend.hostPort(), "127.0.0.1:" + dead)) {
            HttpClient c = ProxyTest.client();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = ProxyTest.get(c, edge.port("http"), "/r" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("h2 /r" + i);
            }
            assertThat(edge.lb.cluster("default").retries()).isGreaterThan(0);
        }
    }

    @Test
    void aStreamResetMidBodyClosesTheClientConnectionAndIsNotRetried() throws Exception {
        try (H2Backend backend = new H2Backend(); EdgeHarness edge = edge(backend.hostPort());
             java.net.Socket s = new java.net.Socket("127.0.0.1", edge.port("http"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /cut HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(seen);
            } catch (java.io.IOException reset) {
                // a reset connection ends the stream too
            }
            String all = seen.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: 100").endsWith("partial");
            assertThat(edge.lb.metrics().responseResets()).isEqualTo(1);
            assertThat(edge.lb.cluster("default").retries()).isZero();
        }
    }

    @Test
    void aResponseTimeoutResetsOnlyThatStream() throws Exception {
        try (H2Backend backend = new H2Backend(); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                upstream_protocol: h2c
                timeouts: { response: 300ms }
                retry_policy: { num_retries: 0 }
                workers: 1
                access_log: false
                """.formatted(backend.hostPort())))) {
            HttpClient c = ProxyTest.client();
            HttpResponse<String> hung = ProxyTest.get(c, edge.port("http"), "/hang");
            assertThat(hung.statusCode()).isEqualTo(504);
            assertThat(hung.body()).contains("no response within 300 ms");
            HttpResponse<String> next = ProxyTest.get(c, edge.port("http"), "/next");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(backend.connections).as("the connection outlived the reset stream").hasSize(1);
        }
    }

    @Test
    void goAwayFromTheBackendLetsStreamsFinishAndMovesNewRequests() throws Exception {
        try (H2Backend backend = new H2Backend(); EdgeHarness edge = edge(backend.hostPort());
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            HttpClient c = ProxyTest.client();
            Future<HttpResponse<String>> slow = pool.submit(() -> ProxyTest.get(c, edge.port("http"), "/slow"));
            assertThat(backend.slowArrived.await(10, TimeUnit.SECONDS)).isTrue();
            backend.init.drain("drain", Duration.ofSeconds(5)); // GOAWAY(NO_ERROR, last stream = the slow one)
            Thread.sleep(100);
            HttpResponse<String> after = ProxyTest.get(c, edge.port("http"), "/after");
            HttpResponse<String> first = slow.get(10, TimeUnit.SECONDS);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("x-connection")).isNotEqualTo(first.headers().firstValue("x-connection"));
            assertThat(backend.connections).hasSize(2);
        }
    }
}
