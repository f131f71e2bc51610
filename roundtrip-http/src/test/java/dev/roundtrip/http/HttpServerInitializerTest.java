package dev.roundtrip.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server plumbing with a tiny handler, driven by the JDK's HTTP client and raw sockets. */
class HttpServerInitializerTest {
    private final EventLoopGroup group = Transport.best().newGroup(1, "test-server");
    private Channel listener;
    private HttpServerInitializer initializer;

    /** Answers "PROTOCOL METHOD URI BODY-LENGTH". */
    static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            ConnectionInfo info = ConnectionInfo.of(ctx.channel());
            FullHttpResponse r = PlainResponses.of(ctx.alloc(), HttpResponseStatus.OK,
                    info.protocol() + " " + req.method() + " " + req.uri() + " " + req.content().readableBytes());
            ctx.writeAndFlush(r);
        }
    }

    int start(HttpLimits limits) {
        initializer = new HttpServerInitializer(limits, null, true, Echo::new);
        listener = HttpServer.bind(Transport.best(), group, group, new InetSocketAddress("127.0.0.1", 0), initializer)
                .syncUninterruptibly().channel();
        return HttpServer.boundAddress(listener).getPort();
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void http11KeepAliveAndH2cUpgradeReachTheSameHandler() throws Exception {
        int port = start(HttpLimits.DEFAULTS);
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = h1.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/a" + i))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("http/1.1 POST /a" + i + " 5\n");
        }
        assertThat(initializer.openConnections()).isEqualTo(1);
        // The JDK client asks for h2c with "Upgrade: h2c" on its first request.
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> first = h2.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/up")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.body()).isEqualTo("h2c GET /up 0\n");
        HttpResponse<String> second = h2.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/again")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.body()).isEqualTo("h2c GET /again 0\n");
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnce() throws Exception {
        HttpLimits d = HttpLimits.DEFAULTS;
        int port = start(new HttpLimits(d.maxInitialLineBytes(), d.maxHeaderBytes(), d.maxBodyBytes(), d.headerReadTimeout(),
                d.idleTimeout(), 2, d.maxConcurrentStreams(), d.maxResetsPerWindow(), d.resetWindow()));
        try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port); Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(5000);
            assertThat(c.getInputStream().read()).as("third connection closed").isEqualTo(-1);
            a.setSoTimeout(5000);
            a.getOutputStream().write("GET /x HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(a.getInputStream())).startsWith("HTTP/1.1 200 ");
            assertThat(initializer.rejectedConnections()).isEqualTo(1);
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        HttpLimits d = HttpLimits.DEFAULTS;
        int port = start(new HttpLimits(d.maxInitialLineBytes(), d.maxHeaderBytes(), d.maxBodyBytes(), d.headerReadTimeout(),
                Duration.ofMillis(200), d.maxConnections(), d.maxConcurrentStreams(), d.maxResetsPerWindow(), d.resetWindow()));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(150_000_000L);
        }
    }

    /** Answers like {@link Echo}, {@code /slow} after 300 ms; records requests and the user events that reach it. */
    static final class Recording extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final List<String> seen;

        Recording(List<String> seen) {
            this.seen = seen;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            seen.add("request " + req.uri());
            FullHttpResponse r = PlainResponses.of(ctx.alloc(), HttpResponseStatus.OK, "done " + req.uri());
            if (req.uri().startsWith("/slow")) {
                ctx.executor().schedule(() -> ctx.writeAndFlush(r), 300, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                ctx.writeAndFlush(r);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof String s) {
                seen.add("event " + s);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Test
    void drainClosesIdleConnectionsAndClosesBusyOnesAfterTheirResponse() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        initializer = new HttpServerInitializer(HttpLimits.DEFAULTS, null, true, () -> new Recording(seen));
        listener = HttpServer.bind(Transport.best(), group, group, new InetSocketAddress("127.0.0.1", 0), initializer)
                .syncUninterruptibly().channel();
        int port = HttpServer.boundAddress(listener).getPort();
        try (Socket silent = new Socket("127.0.0.1", port); Socket idle = new Socket("127.0.0.1", port);
             Socket busy = new Socket("127.0.0.1", port); Socket uploading = new Socket("127.0.0.1", port)) {
            for (Socket s : List.of(silent, idle, busy, uploading)) {
                s.setSoTimeout(5000);
            }
            // Headers and half the body of an upload; the one server thread reads them before the
            // request of the idle connection below, which is sent after them.
            uploading.getOutputStream().write("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
            idle.getOutputStream().write("GET /fast HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(idle.getInputStream())).startsWith("HTTP/1.1 200 ");
            idle.getInputStream().readNBytes("done /fast\n".length());
            busy.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!seen.contains("request /slow")) {
                assertThat(System.nanoTime() - deadline).isNegative();
                Thread.sleep(5);
            }
            listener.close().syncUninterruptibly();
            initializer.drain("drain-started", Duration.ofSeconds(10));

            assertThat(silent.getInputStream().read()).as("no request yet: closed").isEqualTo(-1);
            assertThat(idle.getInputStream().read()).as("idle keep-alive: closed").isEqualTo(-1);
            String head = readHead(busy.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
            assertThat(new String(busy.getInputStream().readNBytes("done /slow\n".length()), StandardCharsets.US_ASCII)).isEqualTo("done /slow\n");
            assertThat(busy.getInputStream().read()).as("closed after the owed response").isEqualTo(-1);

            uploading.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(uploading.getInputStream())).as("a request whose body was still arriving is answered")
                    .startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
            assertThat(new String(uploading.getInputStream().readNBytes("done /upload\n".length()), StandardCharsets.US_ASCII))
                    .isEqualTo("done /upload\n");
            assertThat(uploading.getInputStream().read()).isEqualTo(-1);
            assertThat(seen).as("the event reached the handler of both HTTP/1.1 connections")
                    .filteredOn(e -> e.equals("event drain-started")).hasSize(3);
        }
    }

    static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }
}
