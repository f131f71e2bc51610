package dev.roundtrip.trace.testing;

import dev.roundtrip.http.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 and HTTP/2 server on a loopback port for the tracer's tests, with the faults a
 * test needs: a delay before the first response byte, a Server-Timing header, a body of N bytes,
 * {@code Connection: close}, or bytes that are not HTTP at all. It counts accepted connections, so
 * a test can see reuse from the server's side too.
 */
public final class TestHttpServer implements AutoCloseable {

    /** What the server does. */
    public record Behavior(Duration firstByteDelay, String serverTiming, int bodyBytes, boolean close, String garbage, String altSvc) {
        public Behavior(Duration firstByteDelay, String serverTiming, int bodyBytes, boolean close, String garbage) {
            this(firstByteDelay, serverTiming, bodyBytes, close, garbage, "");
        }

        public static Behavior ok() {
            return new Behavior(Duration.ZERO, "", 2, false, "");
        }

        /** Adds {@code Alt-Svc: value} to every response. */
        public Behavior withAltSvc(String value) {
            return new Behavior(firstByteDelay, serverTiming, bodyBytes, close, garbage, value);
        }

        public Behavior withDelay(Duration d) {
            return new Behavior(d, serverTiming, bodyBytes, close, garbage, altSvc);
        }

        public Behavior withServerTiming(String v) {
            return new Behavior(firstByteDelay, v, bodyBytes, close, garbage, altSvc);
        }

        public Behavior withBody(int n) {
            return new Behavior(firstByteDelay, serverTiming, n, close, garbage, altSvc);
        }

        public Behavior closing() {
            return new Behavior(firstByteDelay, serverTiming, bodyBytes, true, garbage, altSvc);
        }

        public Behavior garbage(String bytes) {
            return new Behavior(firstByteDelay, serverTiming, bodyBytes, close, bytes, altSvc);
        }
    }

    /** Which protocols the server speaks: by ALPN over TLS, or one of them in cleartext. */
    public enum Mode { HTTP1, H2C }

    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    private volatile Behavior behavior;

    private TestHttpServer(SslContext tls, Mode mode, Behavior behavior) {
        this(tls, mode, behavior, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private TestHttpServer(SslContext tls, Mode mode, Behavior behavior, InetSocketAddress bind) {
        this.behavior = behavior;
        Transport transport = Transport.best();
        group = transport.newGroup(1, "test-http");
        server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                @Override
                                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                        http2(ctx.pipeline());
                                    } else {
                                        http1(ctx.pipeline());
                                    }
                                }
                            });
                        } else if (mode == Mode.H2C) {
                            http2(ch.pipeline());
                        } else {
                            http1(ch.pipeline());
                        }
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
    }

    /** An HTTP/1.1 server bound to {@code bind} (e.g. what the embedded network maps a lab address to). */
    public static TestHttpServer http1At(InetSocketAddress bind, Behavior behavior) {
        return new TestHttpServer(null, Mode.HTTP1, behavior, bind);
    }

    public static TestHttpServer http1(Behavior behavior) {
        return new TestHttpServer(null, Mode.HTTP1, behavior);
    }

    public static TestHttpServer h2c(Behavior behavior) {
        return new TestHttpServer(null, Mode.H2C, behavior);
    }

    public static TestHttpServer tls(SslContext context, Behavior behavior) {
        return new TestHttpServer(context, Mode.HTTP1, behavior);
    }

    public void behave(Behavior b) {
        this.behavior = b;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int connectionsAccepted() {
        return connections.get();
    }

    /** "connections/requests/responses" as this server counted them, for failure messages. */
    public String counts() {
        return connections.get() + " connections, " + requests.get() + " requests, " + responses.get() + " responses written";
    }

    private void http1(ChannelPipeline p) {
        p.addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                requests.incrementAndGet();
                ReferenceCountUtil.release(msg);
                Behavior b = behavior;
                boolean keepAlive = msg instanceof FullHttpRequest r && HttpUtil.isKeepAlive(r) && !b.close();
                ctx.executor().schedule(() -> {
                    if (!b.garbage().isEmpty()) {
                        // bypass the codec: these bytes straight onto the connection, then hang up
                        ctx.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(b.garbage(), StandardCharsets.ISO_8859_1))
                                .addListener(x -> ctx.channel().close());
                        return;
                    }
                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body(b));
                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.bodyBytes());
                    if (!b.serverTiming().isEmpty()) {
                        res.headers().set("Server-Timing", b.serverTiming());
                    }
                    if (!b.altSvc().isEmpty()) {
                        res.headers().set("Alt-Svc", b.altSvc());
                    }
                    if (!keepAlive) {
                        res.headers().set(HttpHeaderNames.CONNECTION, "close");
                    }
                    var f = ctx.writeAndFlush(res);
                    f.addListener(x -> { if (x.isSuccess()) { responses.incrementAndGet(); } });
                    if (!keepAlive) {
                        f.addListener(x -> ctx.close());
                    }
                }, b.firstByteDelay().toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    private void http2(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forServer().build());
        p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        boolean end = msg instanceof Http2HeadersFrame h && h.isEndStream()
                                || msg instanceof io.netty.handler.codec.http2.Http2DataFrame d && d.isEndStream();
                        ReferenceCountUtil.release(msg);
                        if (!end) {
                            return;
                        }
                        Behavior b = behavior;
                        if (!b.garbage().isEmpty()) { // over HTTP/2, "garbage" means: reset the stream
                            ctx.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(
                                    io.netty.handler.codec.http2.Http2Error.INTERNAL_ERROR));
                            return;
                        }
                        ctx.executor().schedule(() -> {
                            Http2Headers headers = new DefaultHttp2Headers().status("200").set("content-type", "text/plain");
                            if (!b.serverTiming().isEmpty()) {
                                headers.set("server-timing", b.serverTiming());
                            }
                            if (!b.altSvc().isEmpty()) {
                                headers.set("alt-svc", b.altSvc());
                            }
                            ctx.write(new DefaultHttp2HeadersFrame(headers, false));
                            ctx.writeAndFlush(new DefaultHttp2DataFrame(body(b), true));
                        }, b.firstByteDelay().toNanos(), TimeUnit.NANOSECONDS);
                    }
                });
            }
        }));
    }

    private static ByteBuf body(Behavior b) {
        byte[] bytes = new byte[b.bodyBytes()];
        java.util.Arrays.fill(bytes, (byte) 'x');
        return Unpooled.wrappedBuffer(bytes);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
