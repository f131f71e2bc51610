package dev.roundtrip.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.http.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upstream pool against the JDK's built-in HTTP server (a peer we did not write). */
class Http1ConnectionPoolTest {
    private final EventLoopGroup group = Transport.best().newGroup(1, "test-pool");
    private final EventLoop loop = group.next();
    private HttpServer server;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", ex -> {
            byte[] body = ("you asked " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            if (ex.getRequestURI().getPath().equals("/slow")) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    Http1ConnectionPool pool(InetSocketAddress target, PoolSettings settings) throws Exception {
        return loop.submit(() -> new Http1ConnectionPool(loop, Transport.best(), () -> target, settings, MonotonicClock.SYSTEM)).get();
    }

    static FullHttpRequest get(String uri) {
        return request(HttpMethod.GET, uri);
    }

    static FullHttpRequest request(HttpMethod method, String uri) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set(HttpHeaderNames.HOST, "test");
        return r;
    }

    /** Sends on the pool's loop and waits for the outcome: the body, or the failure kind. */
    static String send(Http1ConnectionPool pool, EventLoop loop, String uri, long timeoutNanos) throws Exception {
        return send(pool, loop, HttpMethod.GET, uri, timeoutNanos);
    }

    static String send(Http1ConnectionPool pool, EventLoop loop, HttpMethod method, String uri, long timeoutNanos) throws Exception {
        CompletableFuture<String> out = new CompletableFuture<>();
        loop.execute(() -> pool.send(request(method, uri), timeoutNanos, new ExchangeListener() {
            private final StringBuilder body = new StringBuilder();

            @Override
            public void responseHead(HttpResponse head, UpstreamResponse upstream) {}

            @Override
            public void responseContent(HttpContent content) {
                body.append(content.content().toString(StandardCharsets.UTF_8));
                content.release();
                if (content instanceof LastHttpContent) {
                    out.complete(body.toString());
                }
            }

            @Override
            public void failed(UpstreamFailure failure) {
                out.complete(failure.kind().name());
            }
        }));
        return out.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reusesOneKeepAliveConnection() throws Exception {
        Http1ConnectionPool pool = pool(server.getAddress(), PoolSettings.DEFAULTS);
        for (int i = 0; i < 5; i++) {
            assertThat(send(pool, loop, "/n" + i, 0)).isEqualTo("you asked /n" + i);
        }
        assertThat(loop.submit(pool::connectionsCreated).get()).isEqualTo(1);
        assertThat(loop.submit(pool::idleConnections).get()).isEqualTo(1);
    }

    @Test
    void refusedConnectIsReportedAsSuch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Http1ConnectionPool pool = pool(new InetSocketAddress("127.0.0.1", port), PoolSettings.DEFAULTS);
        assertThat(send(pool, loop, "/", 0)).isEqualTo("CONNECT_REFUSED");
    }

    @Test
    void slowResponseTimesOutAndAFullPoolSaysSo() throws Exception {
        PoolSettings one = new PoolSettings(1, 0, Duration.ofSeconds(1), Duration.ofSeconds(10), 1 << 20);
        Http1ConnectionPool pool = pool(server.getAddress(), one);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return send(pool, loop, "/slow", TimeUnit.MILLISECONDS.toNanos(300));
            } catch (Exception e) {
                return e.toString();
            }
        });
        Thread.sleep(100);
        assertThat(send(pool, loop, "/other", 0)).isEqualTo("POOL_FULL");
        assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("RESPONSE_TIMEOUT");
        // The timed-out connection was closed; the pool opens a new one.
        assertThat(send(pool, loop, "/after", 0)).isEqualTo("you asked /after");
    }

    @Test
    void informationalResponsesAreSkipped() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = raw.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    readHead(in);
                    s.getOutputStream().write(("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    in.read(); // wait for the client to close
                } catch (java.io.IOException ignored) {
                    // the test fails on the client side if this peer misbehaves
                }
            });
            Http1ConnectionPool pool = pool((InetSocketAddress) raw.getLocalSocketAddress(), PoolSettings.DEFAULTS);
            assertThat(send(pool, loop, "/hints", 0)).isEqualTo("final");
            loop.submit(pool::close).get();
            peer.join(5000);
        }
    }

    @Test
    void idleConnectionsExpire() throws Exception {
        PoolSettings shortIdle = new PoolSettings(4, 4, Duration.ofSeconds(1), Duration.ofMillis(200), 1 << 20);
        Http1ConnectionPool pool = pool(server.getAddress(), shortIdle);
        assertThat(send(pool, loop, "/a", 0)).isEqualTo("you asked /a");
        assertThat(loop.submit(pool::idleConnections).get()).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loop.submit(pool::openConnections).get() == 0);
    }

    /**
     * A HEAD response announces a body it does not carry, and a 2xx to CONNECT carries none: the
     * decoder must end both at the head. Otherwise it would take the next response for the HEAD's
     * body, or wait for the close that ends the CONNECT's. A CONNECT's connection (a tunnel now)
     * is not pooled again.
     */
    @Test
    void responsesToHeadAndConnectEndAtTheirHead() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread peer = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        java.net.Socket s = raw.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> answerEach(s));
                    }
                } catch (java.io.IOException closed) {
                    // the test closed the listening socket
                }
            });
            Http1ConnectionPool pool = pool((InetSocketAddress) raw.getLocalSocketAddress(), PoolSettings.DEFAULTS);
            assertThat(send(pool, loop, HttpMethod.HEAD, "/head", 0)).isEmpty();
            assertThat(send(pool, loop, HttpMethod.GET, "/get", 0)).isEqualTo("hello");
            assertThat(accepted.get()).isEqualTo(1);
            assertThat(send(pool, loop, HttpMethod.CONNECT, "198.18.0.10:443", 0)).isEmpty();
            assertThat(send(pool, loop, HttpMethod.GET, "/get", 0)).isEqualTo("hello");
            assertThat(loop.submit(pool::connectionsCreated).get()).isEqualTo(2);
            loop.submit(pool::close).get();
            raw.close();
            peer.join(5000);
        }
    }

    /** Answers each request on {@code s}: HEAD with a Content-Length and no body, CONNECT with 200 and nothing more, GET with "hello". */
    private static void answerEach(java.net.Socket s) {
        try (s) {
            java.io.InputStream in = s.getInputStream();
            for (String head = readHead(in); !head.isEmpty(); head = readHead(in)) {
                String answer = head.startsWith("HEAD ") ? "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n"
                        : head.startsWith("CONNECT ") ? "HTTP/1.1 200 Connection Established\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
                s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
        } catch (java.io.IOException ignored) {
            // the client closed the connection
        }
    }

    /** A request head read from a raw peer's socket, up to its empty line; what arrived before the end of the stream, if it ended first. */
    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        for (int c; !head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1; ) {
            head.append((char) c);
        }
        return head.toString();
    }
}
