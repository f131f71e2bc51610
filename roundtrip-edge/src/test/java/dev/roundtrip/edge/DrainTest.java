package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop (what SIGTERM does) with requests in flight over HTTP/1.1 and HTTP/2: new
 * connections are refused, idle connections close at once, HTTP/2 gets GOAWAY naming the last
 * stream accepted, in-flight requests complete, and what outlives the grace period is closed.
 */
class DrainTest {
    private static final EventLoopGroup CLIENTS = Transport.NIO.newGroup(1, "drain-test-client");

    @AfterAll
    static void shutdown() {
        CLIENTS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    static String twoClusters(TestBackend fast, TestBackend slow) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                    routes:
                      - { match: { path_prefix: /slow }, cluster: slow }
                      - { match: { path_prefix: / }, cluster: fast }
                clusters:
                  - { name: fast, endpoints: [%s] }
                  - { name: slow, endpoints: [%s] }
                access_log: false
                """.formatted(fast.hostPort(), slow.hostPort());
    }

    @Test
    void stopLetsInFlightRequestsFinishSendsGoAwayAndClosesIdleConnections() throws Exception {
        Duration grace = Duration.ofSeconds(10);
        int slowMillis = 2000;
        try (TestBackend fast = new TestBackend("fast"); TestBackend slow = new TestBackend("slow");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(twoClusters(fast, slow)))) {
            slow.delayMillis = slowMillis;
            int port = edge.port("http");

            Socket idle = socket(port);
            send(idle, "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(readResponse(idle.getInputStream())).startsWith("HTTP/1.1 200");

            Socket busy = socket(port);
            send(busy, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            H2cClient h2 = new H2cClient(port);
            CompletableFuture<String> h2Response = h2.get("/slow/h2");
            awaitInFlight(edge.lb, 2);

            long t0 = System.nanoTime();
            CompletableFuture<Void> stop = edge.lb.stop(grace);

            long[] goAway = h2.goAway.get(5, TimeUnit.SECONDS);
            assertThat(goAway[0]).as("GOAWAY last-stream-id: the stream in flight").isEqualTo(h2.lastStreamId);
            assertThat(goAway[1]).as("GOAWAY error code NO_ERROR").isZero();
            assertThat(h2Response).as("the stream in flight is not cut by GOAWAY").isNotDone();

            assertThat(idle.getInputStream().read()).as("an idle keep-alive connection is closed at once").isEqualTo(-1);
            assertRefusedWhile(port, stop);

            String answer = readResponse(busy.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("hello from slow");
            assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close");
            assertThat(busy.getInputStream().read()).as("closed after the owed response").isEqualTo(-1);
            assertThat(h2Response.get(10, TimeUnit.SECONDS)).startsWith("200 hello from slow");

            stop.get(grace.toSeconds() + 10, TimeUnit.SECONDS);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(stopMillis).as("stop returns once the in-flight requests are done, within the grace").isLessThan(grace.toMillis());
            assertThat(h2.channel.closeFuture().await(5, TimeUnit.SECONDS)).as("the HTTP/2 connection is closed").isTrue();
            idle.close();
            busy.close();
        }
    }

    @Test
    void aStopUnderLoadAnswersEveryRequestItForwarded() throws Exception {
        Duration grace = Duration.ofSeconds(10);
        int clients = 8;
        int maxPerClient = 200;
        try (TestBackend slow = new TestBackend("slow"); TestBackend fast = new TestBackend("fast");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(twoClusters(fast, slow)))) {
            slow.delayMillis = 100;
            int port = edge.port("http");
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger toldToClose = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger closedWhileIdle = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    try (Socket s = socket(port)) {
                        for (int i = 0; i < maxPerClient; i++) {
                            String r;
                            try {
                                send(s, "GET /slow/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
                                r = readResponse(s.getInputStream());
                            } catch (IOException closed) {
                                r = "";
                            }
                            if (r.isEmpty()) {
                                closedWhileIdle.incrementAndGet(); // closed between two requests: nothing was sent upstream
                                return;
                            }
                            if (!r.startsWith("HTTP/1.1 200")) {
                                unexpected.add(r.lines().findFirst().orElse(r));
                                return;
                            }
                            ok.incrementAndGet();
                            if (r.toLowerCase(Locale.ROOT).contains("connection: close")) {
                                toldToClose.incrementAndGet();
                                return;
                            }
                        }
                    } catch (IOException e) {
                        unexpected.add(e.toString());
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (slow.requests.get() < 2 * clients) {
                assertThat(System.nanoTime() - deadline).as("load running").isNegative();
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            edge.lb.stop(grace).get(grace.toSeconds() + 10, TimeUnit.SECONDS);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            pool.shutdown();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("every client finished").isTrue();

            assertThat(unexpected).as("no error answers, no truncated responses").isEmpty();
            assertThat(ok.get()).as("every request that reached the backend was answered").isEqualTo(slow.requests.get());
            assertThat(toldToClose.get() + closedWhileIdle.get()).as("every connection ended by the drain").isEqualTo(clients);
            assertThat(toldToClose.get()).as("busy connections told Connection: close").isPositive();
            assertThat(stopMillis).as("stop returns within the grace").isLessThan(grace.toMillis());
        }
    }

    @Test
    void whatOutlivesTheGracePeriodIsClosed() throws Exception {
        Duration grace = Duration.ofMillis(800);
        try (TestBackend fast = new TestBackend("fast"); TestBackend slow = new TestBackend("slow");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config(twoClusters(fast, slow)))) {
            slow.stall = true;
            int port = edge.port("http");
            Socket h1 = socket(port);
            send(h1, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            H2cClient h2 = new H2cClient(port);
            CompletableFuture<String> h2Response = h2.get("/slow/h2");
            awaitInFlight(edge.lb, 2);

            long t0 = System.nanoTime();
            edge.lb.stop(grace).get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(stopMillis).as("stop waited for the grace period").isGreaterThanOrEqualTo(grace.toMillis());
            assertThat(h1.getInputStream().read()).as("closed at the deadline without a response").isEqualTo(-1);
            assertThat(h2.channel.closeFuture().await(5, TimeUnit.SECONDS)).as("HTTP/2 connection closed at the deadline").isTrue();
            assertThat(h2Response).isCompletedExceptionally();
            h1.close();
        }
    }

    static void awaitInFlight(LoadBalancer lb, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lb.metricsText().contains("\nroundtrip_lb_requests_in_flight " + n + "\n")) {
            assertThat(System.nanoTime() - deadline).as("%d requests in flight within 10 s", n).isNegative();
            Thread.sleep(10);
        }
    }

    /** New connections are refused while the stop is still waiting for requests in flight. */
    static void assertRefusedWhile(int port, CompletableFuture<Void> stop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException refused) {
                assertThat(stop).as("refused while still draining").isNotDone();
                return;
            } catch (IOException other) {
                // e.g. reset by the closing listener: try again
            }
            assertThat(System.nanoTime() - deadline).as("connections refused within 5 s of stop").isNegative();
            Thread.sleep(20);
        }
    }

    static Socket socket(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads one response with a Content-Length body: status line, headers and body as text. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** An HTTP/2 client by prior knowledge (h2c) that remembers the GOAWAY it receives. */
    static final class H2cClient {
        final Channel channel;
        final CompletableFuture<long[]> goAway = new CompletableFuture<>();
        volatile int lastStreamId;

        H2cClient(int port) throws InterruptedException {
            channel = new Bootstrap().group(CLIENTS).channel(Transport.NIO.socketChannel())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            if (msg instanceof Http2GoAwayFrame g) {
                                                goAway.complete(new long[] {g.lastStreamId(), g.errorCode()});
                                            }
                                            ReferenceCountUtil.release(msg);
                                        }
                                    });
                        }
                    }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        }

        /** GET {@code path} on a new stream: "STATUS BODY", or an exception when the stream ends without a response. */
        CompletableFuture<String> get(String path) throws InterruptedException {
            CompletableFuture<String> result = new CompletableFuture<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(1 << 20),
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                    result.complete(r.status().code() + " " + r.content().toString(StandardCharsets.UTF_8));
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    result.completeExceptionally(new IOException("stream closed without a response"));
                                }
                            });
                }
            }).open().sync().getNow();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            stream.writeAndFlush(request).sync();
            lastStreamId = stream.stream().id();
            return result;
        }
    }
}
