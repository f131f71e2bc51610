package dev.roundtrip.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for balancer tests on real sockets: opens over HTTP/1.1 ({@code Upgrade}, RFC
 * 6455) or over cleartext HTTP/2 by prior knowledge (extended CONNECT, RFC 8441, written with
 * Netty's HTTP/2 frame codec), then sends and collects frames. Replies to a Close like a browser.
 */
final class WsClient implements AutoCloseable {
    private static final EventLoopGroup GROUP = dev.roundtrip.http.Transport.NIO.newGroup(2, "ws-client");

    /** The answer to the opening handshake: status and headers (names lower case). */
    record Handshake(int status, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.getFirst();
        }
    }

    final CompletableFuture<Handshake> handshake = new CompletableFuture<>();
    /** Text messages as String, binary ones as byte[]. */
    final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    /** SETTINGS_ENABLE_CONNECT_PROTOCOL as the HTTP/2 server advertised it (h2 only). */
    final CompletableFuture<Boolean> connectProtocolEnabled = new CompletableFuture<>();
    private volatile Channel connection;
    private volatile Channel frames;

    private WsClient() {}

    /** Opens {@code path} over HTTP/1.1 with {@code headers} added to the upgrade request. */
    static WsClient h1(InetSocketAddress lb, String path, Map<String, String> headers) throws Exception {
        WsClient[] self = {new WsClient()};
        String key = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        Channel ch = new Bootstrap().group(GROUP).channel(dev.roundtrip.http.Transport.NIO.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast("http", new HttpClientCodec()).addLast("agg", new HttpObjectAggregator(1 << 16))
                                .addLast("hs", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        FullHttpResponse r = (FullHttpResponse) msg;
                                        Map<String, List<String>> h = new TreeMap<>();
                                        r.headers().forEach(e -> h.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue()));
                                        int status = r.status().code();
                                        if (status == 101) {
                                            if (!accept(key).equals(r.headers().get("sec-websocket-accept"))) {
                                                self[0].handshake.completeExceptionally(new AssertionError("wrong Sec-WebSocket-Accept"));
                                            }
                                            ChannelPipeline p = ctx.pipeline();
                                            self[0].installFrames(p, "hs");
                                            self[0].frames = ctx.channel();
                                            p.remove("hs");
                                            p.remove("agg");
                                            p.remove("http");
                                        }
                                        r.release();
                                        self[0].handshake.complete(new Handshake(status, h));
                                    }
                                });
                    }
                })
                .connect(lb).sync().channel();
        self[0].connection = ch;
        ch.closeFuture().addListener(f -> self[0].closed());
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        req.headers().set("host", "localhost").set("upgrade", "websocket").set("connection", "Upgrade")
                .set("sec-websocket-key", key).set("sec-websocket-version", "13");
        headers.forEach(req.headers()::set);
        ch.writeAndFlush(req).sync();
        return self[0];
    }

    /** Opens {@code path} as an extended CONNECT on a new h2c (prior knowledge) connection. */
    static WsClient h2(InetSocketAddress lb, String path, Map<String, String> headers) throws Exception {
        return h2(lb, path, headers, null);
    }

    /** The same over TLS with {@code tls} (ALPN h2), or cleartext when it is null. */
    static WsClient h2(InetSocketAddress lb, String path, Map<String, String> headers, io.netty.handler.ssl.SslContext tls) throws Exception {
        WsClient[] self = {new WsClient()};
        Channel ch = new Bootstrap().group(GROUP).channel(dev.roundtrip.http.Transport.NIO.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (tls != null) {
                            c.pipeline().addLast(tls.newHandler(c.alloc(), "localhost", lb.getPort()));
                        }
                        c.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2SettingsFrame s) {
                                            self[0].connectProtocolEnabled.complete(Boolean.TRUE.equals(s.settings().connectProtocolEnabled()));
                                        }
                                        ReferenceCountUtil.release(msg);
                                    }
                                });
                    }
                })
                .connect(lb).sync().channel();
        self[0].connection = ch;
        if (!self[0].connectProtocolEnabled.get(10, TimeUnit.SECONDS)) {
            self[0].handshake.complete(new Handshake(-1, Map.of()));
            return self[0];
        }
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(ch).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel s) {
                s.pipeline().addLast("h2-bytes", new ChannelDuplexHandler() {
                    private boolean open;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2HeadersFrame hf && !open) {
                            Map<String, List<String>> h = new TreeMap<>();
                            hf.headers().forEach(e -> h.computeIfAbsent(e.getKey().toString(), k -> new ArrayList<>()).add(e.getValue().toString()));
                            int status = Integer.parseInt(hf.headers().status().toString());
                            open = status == 200;
                            if (open) {
                                self[0].installFrames(ctx.pipeline(), "h2-bytes");
                            }
                            self[0].handshake.complete(new Handshake(status, h));
                        } else if (msg instanceof Http2DataFrame d) {
                            if (open) {
                                ctx.fireChannelRead(d.content().retain());
                            }
                            d.release();
                        } else {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        ctx.write(msg instanceof ByteBuf b ? new DefaultHttp2DataFrame(b) : msg, promise);
                    }
                });
            }
        }).open().sync().getNow();
        self[0].frames = stream;
        stream.closeFuture().addListener(f -> self[0].closed());
        Http2Headers h = new DefaultHttp2Headers().method("CONNECT").scheme("http").path(path).authority("localhost");
        h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
        h.set("sec-websocket-version", "13");
        headers.forEach((k, v) -> h.set(k.toLowerCase(Locale.ROOT), v));
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false)).sync();
        return self[0];
    }

    /**
     * A GET of {@code path} on this client's HTTP/2 connection, next to its tunnel: "STATUS BODY"
     * once the response ended.
     */
    String get(String path) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        StringBuilder body = new StringBuilder();
        String[] status = {null};
        Http2StreamChannel s = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame hf) {
                        if (status[0] == null) {
                            status[0] = hf.headers().status().toString();
                        }
                        if (hf.isEndStream()) {
                            result.complete(status[0] + " " + body);
                        }
                    } else if (msg instanceof Http2DataFrame d) {
                        body.append(d.content().toString(java.nio.charset.StandardCharsets.UTF_8));
                        if (d.isEndStream()) {
                            result.complete(status[0] + " " + body);
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        }).open().sync().getNow();
        s.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("http").path(path)
                .authority("localhost"), true)).sync();
        return result.get(10, TimeUnit.SECONDS);
    }

    private void installFrames(ChannelPipeline p, String after) {
        p.addAfter(after, "ws-dec", new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 24).build()));
        p.addAfter("ws-dec", "ws-enc", new WebSocket08FrameEncoder(true));
        p.addAfter("ws-enc", "collect", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                WebSocketFrame f = (WebSocketFrame) msg;
                try {
                    switch (f) {
                        case TextWebSocketFrame t -> received.add(t.text());
                        case BinaryWebSocketFrame b -> received.add(ByteBufUtil.getBytes(b.content()));
                        case CloseWebSocketFrame c -> {
                            closeStatus.complete(c.statusCode());
                            ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode(), ""));
                        }
                        default -> { }
                    }
                } finally {
                    f.release();
                }
            }
        });
    }

    private void closed() {
        closeStatus.complete(-1); // no Close frame came before the connection (or stream) closed
    }

    Handshake handshake() throws Exception {
        return handshake.get(10, TimeUnit.SECONDS);
    }

    void sendText(String text) {
        frames.write(new TextWebSocketFrame(text));
    }

    void sendBinary(byte[] b) {
        frames.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b)));
    }

    void ping() {
        frames.writeAndFlush(new PingWebSocketFrame());
    }

    void flush() {
        frames.flush();
    }

    /** The next message, or fails after {@code seconds}. */
    Object next(int seconds) throws InterruptedException {
        Object m = received.poll(seconds, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + seconds + " s");
        }
        return m;
    }

    /** Starts the close handshake with {@code code}. */
    void sendClose(int code) {
        frames.writeAndFlush(new CloseWebSocketFrame(code, "done"));
    }

    /** Whether the client's connection (or stream) takes more writes now. */
    boolean isWritable() {
        return frames.isWritable();
    }

    boolean isOpen() {
        return frames != null && frames.isActive();
    }

    static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
