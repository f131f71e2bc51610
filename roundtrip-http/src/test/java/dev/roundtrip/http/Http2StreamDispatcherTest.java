package dev.roundtrip.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 streams run by {@link Http2StreamDispatcher} (no channel per stream), over h2c prior
 * knowledge with a Netty frame-level client: many streams on one connection, the body limit, a
 * stream the client resets while its response is under way, flow control as backpressure.
 */
class Http2StreamDispatcherTest {
    private static final int MAX_BODY = 1000;
    private final EventLoopGroup group = Transport.best().newGroup(1, "test-h2d");
    private final List<Channel> channels = new ArrayList<>();
    private final CompletableFuture<Void> heldClosed = new CompletableFuture<>();
    private final AtomicInteger pauses = new AtomicInteger();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(c -> c.close().syncUninterruptibly());
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * /echo/...: "PROTOCOL METHOD URI BODY-LENGTH"; /hold: a head and one piece of body, then
     * nothing until the stream closes; /big: 1 MiB in 16 KiB pieces, written only while the
     * stream is writable.
     */
    private Downstream.Events handle(FullHttpRequest request, Downstream down) {
        String uri = request.uri();
        handled.add(uri);
        int length = request.content().readableBytes();
        request.release();
        if (uri.startsWith("/hold")) {
            down.writeHead(streamedHead());
            down.writeContent(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[100])));
            down.flush();
            return events(() -> {}, () -> heldClosed.complete(null));
        }
        if (uri.startsWith("/big")) {
            down.writeHead(streamedHead());
            Runnable[] pump = new Runnable[1];
            int[] sent = {0};
            pump[0] = () -> {
                while (sent[0] < 64 && down.isWritable()) {
                    down.writeContent(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[16 * 1024])));
                    sent[0]++;
                }
                if (sent[0] == 64) {
                    sent[0]++;
                    down.writeContent(LastHttpContent.EMPTY_LAST_CONTENT);
                } else if (sent[0] < 64) {
                    pauses.incrementAndGet();
                }
                down.flush();
            };
            pump[0].run();
            return events(pump[0], () -> {});
        }
        String protocol = ConnectionInfo.of(down.channel()).protocol();
        down.writeHead(PlainResponses.of(down.channel().alloc(), HttpResponseStatus.OK,
                protocol + " " + request.method() + " " + uri + " " + length));
        down.flush();
        return events(() -> {}, () -> {});
    }

    private static DefaultHttpResponse streamedHead() {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        return head;
    }

    private static Downstream.Events events(Runnable writable, Runnable closed) {
        return new Downstream.Events() {
            @Override
            public void writabilityChanged() {
                writable.run();
            }

            @Override
            public void closed() {
                closed.run();
            }
        };
    }

    private InetSocketAddress start(HttpLimits limits) {
        Channel listener = HttpServer.bind(Transport.best(), group, group, new InetSocketAddress("127.0.0.1", 0),
                new HttpServerInitializer(limits, null, true, HttpServerInitializerTest.Echo::new, null, this::handle))
                .syncUninterruptibly().channel();
        channels.add(listener);
        return HttpServer.boundAddress(listener);
    }

    private static HttpLimits withBodyLimit(int maxBody) {
        HttpLimits d = HttpLimits.DEFAULTS;
        return new HttpLimits(d.maxInitialLineBytes(), d.maxHeaderBytes(), maxBody, d.headerReadTimeout(), d.idleTimeout(),
                d.maxConnections(), d.maxConcurrentStreams(), d.maxResetsPerWindow(), d.resetWindow());
    }

    /** One response as the client sees it. */
    static final class Response {
        final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final CompletableFuture<String> done = new CompletableFuture<>();
        final CompletableFuture<Long> reset = new CompletableFuture<>();
        Http2FrameStream stream;

        String text() throws Exception {
            return done.get(10, TimeUnit.SECONDS);
        }
    }

    /** A frame-level client: opens streams, collects each response, returns the window of what it read. */
    static final class Client extends Http2ChannelDuplexHandler {
        final Map<Http2FrameStream, Response> responses = new ConcurrentHashMap<>();
        ChannelHandlerContext ctx;

        @Override
        public void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        Response send(String method, String path, byte[] body, boolean announceLength, boolean endBody) {
            return send(method, path, body, announceLength, endBody, new DefaultHttp2Headers());
        }

        /** Sends the request with {@code fields} as its header fields, besides the pseudo-headers (not checked here). */
        Response send(String method, String path, byte[] body, boolean announceLength, boolean endBody, Http2Headers fields) {
            Response r = new Response();
            ctx.executor().execute(() -> {
                Http2FrameStream stream = newStream();
                r.stream = stream;
                responses.put(stream, r);
                Http2Headers h = fields.method(method).path(path).scheme("http").authority("test");
                if (announceLength && body != null) {
                    h.setInt("content-length", body.length);
                }
                ctx.write(new DefaultHttp2HeadersFrame(h, body == null).stream(stream));
                if (body != null) {
                    int half = body.length / 2;
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body, 0, half), false).stream(stream));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body, half, body.length - half), endBody).stream(stream));
                }
                ctx.flush();
            });
            return r;
        }

        void reset(Response r) {
            ctx.executor().execute(() -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(r.stream)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h && responses.get(h.stream()) instanceof Response r) {
                    if (!r.headers.isDone()) {
                        r.headers.complete(h.headers());
                    }
                    if (h.isEndStream()) {
                        r.done.complete(h.headers().status() + " " + r.body.toString(StandardCharsets.UTF_8).strip());
                    }
                } else if (msg instanceof Http2DataFrame d && responses.get(d.stream()) instanceof Response r) {
                    r.body.writeBytes(ByteBufToArray.of(d.content()));
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        r.done.complete(r.headers.getNow(new DefaultHttp2Headers()).status() + " "
                                + r.body.toString(StandardCharsets.UTF_8).strip());
                    }
                } else if (msg instanceof Http2ResetFrame rst && responses.get(rst.stream()) instanceof Response r) {
                    r.reset.complete(rst.errorCode());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Copies a buffer's readable bytes. */
    private static final class ByteBufToArray {
        static byte[] of(ByteBuf b) {
            byte[] a = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), a);
            return a;
        }
    }

    private Client connect(InetSocketAddress server, int initialWindow) {
        Client client = new Client();
        Channel ch = new Bootstrap().group(group).channel(Transport.best().socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(initialWindow)).build(), client);
                    }
                })
                .connect(server).syncUninterruptibly().channel();
        channels.add(ch);
        return client;
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionEachGetTheirOwnAnswer() throws Exception {
        Client client = connect(start(HttpLimits.DEFAULTS), 65_535);
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            responses.add(i % 2 == 0 ? client.send("GET", "/echo/" + i, null, false, true)
                    : client.send("POST", "/echo/" + i, new byte[i * 10], i % 3 == 0, true));
        }
        for (int i = 0; i < responses.size(); i++) {
            String expected = i % 2 == 0 ? "200 h2c GET /echo/" + i + " 0" : "200 h2c POST /echo/" + i + " " + (i * 10);
            assertThat(responses.get(i).text()).isEqualTo(expected);
        }
    }

    @Test
    void aBodyOverTheLimitIs413AndTheStreamIsResetWithoutErrorWhileTheConnectionServesOn() throws Exception {
        Client client = connect(start(withBodyLimit(MAX_BODY)), 65_535);
        // Announced by content-length: answered before any DATA is read.
        Response announced = client.send("POST", "/echo/a", new byte[5000], true, false);
        assertThat(announced.text()).isEqualTo("413 request body larger than " + MAX_BODY + " bytes");
        assertThat(announced.reset.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.NO_ERROR.code());
        // Found while reading (no content-length): 600 + 600 bytes.
        Response found = client.send("POST", "/echo/b", new byte[1200], false, true);
        assertThat(found.text()).startsWith("413 ");
        Response within = client.send("POST", "/echo/c", new byte[MAX_BODY], false, true);
        assertThat(within.text()).isEqualTo("200 h2c POST /echo/c " + MAX_BODY);
    }

    @Test
    void aStreamResetByTheClientMidResponseTellsTheHandlerAndLeavesTheConnectionAlone() throws Exception {
        Client client = connect(start(HttpLimits.DEFAULTS), 65_535);
        Response held = client.send("GET", "/hold", null, false, true);
        assertThat(held.headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        client.reset(held);
        heldClosed.get(10, TimeUnit.SECONDS);
        assertThat(client.send("GET", "/echo/after", null, false, true).text()).isEqualTo("200 h2c GET /echo/after 0");
    }

    @Test
    void aFieldValueWithALineBreakOrANulResetsItsStreamBeforeTheHandlerAndTheConnectionServesOn() throws Exception {
        // Http2RequestHead passes the request's fields on to HTTP/1.1 unchecked: the HTTP/2
        // decoder is what must refuse them.
        Client client = connect(start(HttpLimits.DEFAULTS), 65_535);
        for (String value : List.of("a\r\nx-injected: 1", "a\nb", "a\u0000b", " padded")) {
            Response bad = client.send("GET", "/echo/bad", null, false, true, new DefaultHttp2Headers(false).add("x-test", value));
            assertThat(bad.reset.get(10, TimeUnit.SECONDS)).as("%s", value).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            assertThat(bad.headers).isNotDone();
        }
        assertThat(client.send("GET", "/echo/after", null, false, true).text()).isEqualTo("200 h2c GET /echo/after 0");
        assertThat(handled).doesNotContain("/echo/bad");
    }

    @Test
    void aClientThatReadsSlowlyPausesTheWriterAndGetsEveryByte() throws Exception {
        // A 64 KiB stream window against a 1 MiB response: the writer must wait for WINDOW_UPDATEs.
        Client client = connect(start(HttpLimits.DEFAULTS), 64 * 1024);
        Response big = client.send("GET", "/big", null, false, true);
        big.done.get(20, TimeUnit.SECONDS);
        assertThat(big.body.size()).isEqualTo(64 * 16 * 1024);
        assertThat(pauses.get()).isPositive();
    }

    @Test
    void rapidResetStillEndsTheConnectionWithEnhanceYourCalm() throws Exception {
        Channel listener = HttpServer.bind(Transport.best(), group, group, new InetSocketAddress("127.0.0.1", 0),
                new HttpServerInitializer(Http2LimitsTest.streamsAndResets(7, 50), null, true, HttpServerInitializerTest.Echo::new, null,
                        this::handle))
                .syncUninterruptibly().channel();
        channels.add(listener);
        Http2LimitsTest.Client client = new Http2LimitsTest.Client();
        Channel ch = Http2LimitsTest.connect(group, listener, client);
        channels.add(ch);
        assertThat(client.settings.get(5, TimeUnit.SECONDS).settings().maxConcurrentStreams()).isEqualTo(7L);
        ch.eventLoop().execute(() -> client.openAndReset(60));
        var goAway = client.goAway.get(5, TimeUnit.SECONDS);
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        goAway.release();
    }
}
