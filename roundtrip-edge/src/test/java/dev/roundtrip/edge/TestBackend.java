package dev.roundtrip.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small upstream for tests: answers every request 200 with a body naming itself, echoes the
 * request headers it saw (as {@code X-Seen-*} response headers and in {@link #seen()}), adds a
 * {@code Server-Timing: app} entry, and can be made to fail: answer 500 on the health path, close
 * each connection after one response without saying so (the stale keep-alive race), or die.
 */
final class TestBackend implements AutoCloseable {
    private static final EventLoopGroup GROUP = dev.roundtrip.http.Transport.NIO.newGroup(2, "test-backend");

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    volatile int healthStatus = 200;
    /** Close the connection silently when a second request arrives on it (the backend "just" closed an idle connection). */
    volatile boolean dropSecondRequest;
    /** Answer this many milliseconds late. */
    volatile int delayMillis;
    /** Read requests and never answer them. */
    volatile boolean stall;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final Map<Channel, AtomicInteger> perConnection = new ConcurrentHashMap<>();

    TestBackend(String name) {
        this(name, new InetSocketAddress("127.0.0.1", 0));
    }

    /** A backend bound to {@code bind} (e.g. what {@code Network.bindAddress} gave for a lab address). */
    TestBackend(String name, InetSocketAddress bind) {
        this.name = name;
        this.server = new ServerBootstrap().group(GROUP).channel(dev.roundtrip.http.Transport.NIO.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        perConnection.put(ch, new AtomicInteger());
                        ch.closeFuture().addListener(f -> perConnection.remove(ch));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new HttpServerKeepAliveHandler(),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        handle(ctx, req);
                                    }
                                });
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    String hostPort() {
        return "127.0.0.1:" + address().getPort();
    }

    List<Map<String, String>> seen() {
        return seen;
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        int onThisConnection = perConnection.getOrDefault(ctx.channel(), new AtomicInteger()).incrementAndGet();
        if (dropSecondRequest && onThisConnection >= 2) {
            ctx.close();
            return;
        }
        if (stall) {
            return;
        }
        if (req.uri().equals("/healthz")) {
            FullHttpResponse r = response(ctx, HttpResponseStatus.valueOf(healthStatus), "health " + healthStatus);
            ctx.writeAndFlush(r);
            return;
        }
        requests.incrementAndGet();
        Map<String, String> headers = new ConcurrentHashMap<>();
        req.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(), h.getValue(), (a, b) -> a + "|" + b));
        headers.put(":method", req.method().name());
        headers.put(":uri", req.uri());
        headers.put(":body-length", String.valueOf(req.content().readableBytes()));
        seen.add(headers);
        FullHttpResponse r = response(ctx, HttpResponseStatus.OK, "hello from " + name + " " + req.method() + " " + req.uri());
        r.headers().set("x-backend", name);
        r.headers().add("server-timing", "app;dur=1.5");
        r.headers().set("x-seen-xff", headers.getOrDefault("x-forwarded-for", ""));
        r.headers().set("keep-alive", "timeout=5"); // hop-by-hop: the balancer must drop it
        if (delayMillis > 0) {
            ctx.executor().schedule(() -> ctx.writeAndFlush(r), delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(ctx.alloc(), body));
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }

    /** Stops listening and resets every open connection: the backend process "died". */
    void kill() {
        server.close().syncUninterruptibly();
        for (Channel c : children) {
            try {
                c.config().setOption(ChannelOption.SO_LINGER, 0); // close with RST, as a crash does
            } catch (io.netty.channel.ChannelException alreadyClosed) {
                // the peer closed it first: nothing to reset
            }
        }
        children.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        kill();
    }
}
