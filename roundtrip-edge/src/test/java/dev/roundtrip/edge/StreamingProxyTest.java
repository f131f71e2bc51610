package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Responses stream through the balancer over HTTP/1.1 and HTTP/2 (h2c by prior knowledge): the
 * first bytes reach the client while the backend is still sending, a client that stops reading
 * stops the backend's writes (backpressure, bounded memory), and a backend failure in the middle
 * of a body resets the client's stream (closes its HTTP/1.1 connection) and is never retried.
 */
class StreamingProxyTest implements TransportUnderTest {
    /** The raw clients' event loop: one per test class (a subclass runs these tests again, after this one stopped it). */
    private static EventLoopGroup clients;

    @BeforeAll
    static void startClients() {
        clients = Transport.NIO.newGroup(1, "streaming-client");
    }

    @AfterAll
    static void stopClients() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private EdgeHarness edge(StreamingBackend backend) throws Exception {
        return EdgeHarness.on(ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                access_log: false
                """.formatted(backend.hostPort())), transport());
    }

    @Test
    void http1FirstBytesArriveBeforeTheBackendFinishes() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend);
             Socket s = new Socket("127.0.0.1", edge.port("http"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String upToFirst = readUntil(s.getInputStream(), "first");
            assertThat(backend.proceed.getCount()).as("backend still holds the rest of the body").isEqualTo(1);
            assertThat(upToFirst).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked")
                    .containsIgnoringCase("via: 1.1 roundtrip").containsIgnoringCase("server-timing: lb;dur=");
            backend.proceed.countDown();
            assertThat(readUntil(s.getInputStream(), "0\r\n\r\n")).contains("second");
        }
    }

    @Test
    void http1ClientThatStopsReadingStopsTheBackend() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend); Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", edge.port("http")), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(s.getInputStream(), "\r\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: " + StreamingBackend.BIG);
            long stalledAt = awaitStall(backend.written);
            assertThat(stalledAt).as("bytes the backend got rid of while the client read nothing").isLessThan(StreamingBackend.BIG / 2);
            long body = 0;
            byte[] buf = new byte[64 * 1024];
            while (body < StreamingBackend.BIG) {
                int n = s.getInputStream().read(buf);
                assertThat(n).as("body ended early after %d bytes", body).isPositive();
                body += n;
            }
            assertThat(body).isEqualTo(StreamingBackend.BIG);
        }
    }

    @Test
    void http1FailureMidBodyClosesTheConnectionAndIsNotRetried() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend);
             Socket s = new Socket("127.0.0.1", edge.port("http"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /cut HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = readToEnd(s.getInputStream());
            assertThat(all).startsWith("HTTP/1.1 200 OK").as("no last chunk after the partial body").endsWith("\r\n7\r\npartial\r\n");
            assertThat(backend.requests.get()).as("a GET whose response had started is not retried").isEqualTo(1);
            assertThat(edge.lb.metrics().responseResets()).isEqualTo(1);
        }
    }

    @Test
    void http2FirstBytesArriveBeforeTheBackendFinishes() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend)) {
            H2Stream stream = H2Stream.open(edge.port("http"), "/stream", Long.MAX_VALUE);
            assertThat(stream.headers.get(10, TimeUnit.SECONDS).headers().status().toString()).isEqualTo("200");
            stream.awaitBytes(5);
            assertThat(stream.text()).isEqualTo("first");
            assertThat(backend.proceed.getCount()).isEqualTo(1);
            backend.proceed.countDown();
            stream.ended.get(10, TimeUnit.SECONDS);
            assertThat(stream.text()).isEqualTo("firstsecond");
        }
    }

    @Test
    void http2ClientThatStopsReadingStopsTheBackend() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend)) {
            // The client reads 1 byte of body and then no more: its 64 KiB flow-control window closes.
            H2Stream stream = H2Stream.open(edge.port("http"), "/big", 1);
            stream.awaitBytes(1);
            long stalledAt = awaitStall(backend.written);
            assertThat(stalledAt).isLessThan(StreamingBackend.BIG / 2);
            stream.readOn();
            stream.ended.get(30, TimeUnit.SECONDS);
            assertThat(stream.bytes.get()).isEqualTo(StreamingBackend.BIG);
        }
    }

    @Test
    void http2FailureMidBodyResetsTheStreamAndIsNotRetried() throws Exception {
        try (StreamingBackend backend = new StreamingBackend(); EdgeHarness edge = edge(backend)) {
            H2Stream stream = H2Stream.open(edge.port("http"), "/cut", Long.MAX_VALUE);
            assertThat(stream.reset.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.INTERNAL_ERROR.code());
            assertThat(stream.text()).isEqualTo("partial");
            assertThat(stream.ended.isDone() && !stream.ended.isCompletedExceptionally()).as("stream ended normally").isFalse();
            assertThat(backend.requests.get()).isEqualTo(1);
            assertThat(edge.lb.metrics().responseResets()).isEqualTo(1);
            // The connection itself is fine: another stream on a new connection still works.
            H2Stream ok = H2Stream.open(edge.port("http"), "/ok", Long.MAX_VALUE);
            ok.ended.get(10, TimeUnit.SECONDS);
            assertThat(ok.text()).isEqualTo("ok");
        }
    }

    /**
     * Waits until the backend's written count stays the same for half a second (bounded at 20
     * seconds), returns it.
     */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = written.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(500);
        }
        throw new AssertionError("the backend never stalled: " + written.get() + " bytes written");
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            seen.write(b);
            if (seen.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
                return seen.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("stream ended before '" + marker + "': " + seen.toString(StandardCharsets.ISO_8859_1));
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            in.transferTo(seen);
        } catch (IOException reset) {
            // a reset connection ends the stream too
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One GET on its own h2c connection (prior knowledge) whose client advertises a 64 KiB window
     * and stops reading after {@code readLimit} body bytes until {@link #readOn()}.
     */
    static final class H2Stream extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Http2HeadersFrame> headers = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final CompletableFuture<Long> reset = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        private final StringBuffer text = new StringBuffer();
        private volatile long readLimit;
        private Http2StreamChannel channel;

        private H2Stream(long readLimit) {
            this.readLimit = readLimit;
        }

        static H2Stream open(int port, String path, long readLimit) throws InterruptedException {
            Channel connection = new Bootstrap().group(clients).channel(Transport.NIO.socketChannel())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                            .initialSettings(Http2Settings.defaultSettings().initialWindowSize(64 * 1024)).build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            H2Stream s = new H2Stream(readLimit);
            s.channel = new Http2StreamChannelBootstrap(connection).handler(s).open().sync().getNow();
            s.channel.closeFuture().addListener(f -> connection.close());
            s.channel.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("http")
                    .authority("test").path(path), true)).sync();
            return s;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    headers.complete(h);
                    if (h.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    ByteBuf content = d.content();
                    if (text.length() < 64) {
                        text.append(content.toString(StandardCharsets.ISO_8859_1));
                    }
                    if (bytes.addAndGet(content.readableBytes()) >= readLimit) {
                        ctx.channel().config().setAutoRead(false); // unread frames keep the window closed
                    }
                    if (d.isEndStream()) {
                        ended.complete(null);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame r) {
                reset.complete(r.errorCode());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reset.complete(-1L);
            ended.completeExceptionally(new IOException("stream closed"));
        }

        void awaitBytes(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bytes.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(bytes.get()).isGreaterThanOrEqualTo(n);
        }

        void readOn() {
            readLimit = Long.MAX_VALUE;
            channel.eventLoop().execute(() -> {
                channel.config().setAutoRead(true);
                channel.read();
            });
        }

        String text() {
            return text.toString();
        }
    }
}
