package dev.roundtrip.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket upstream for balancer tests, written with Netty's server protocol handler: echoes
 * every text and binary message on {@code /ws/...}, names itself in {@code X-Served-By} on the 101,
 * answers a plain HTTP request (or an upgrade on another path) 404, records the upgrade requests it
 * saw, and can be killed.
 */
final class WsBackend implements AutoCloseable {
    private static final EventLoopGroup GROUP = dev.roundtrip.http.Transport.NIO.newGroup(2, "ws-backend");

    final String name;
    final AtomicInteger upgrades = new AtomicInteger();
    final List<FullHttpRequest> seen = new CopyOnWriteArrayList<>();
    /** Close frames the backend received (status codes). */
    final List<Integer> closesReceived = new CopyOnWriteArrayList<>();
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    WsBackend(String name) {
        this.name = name;
        this.server = new ServerBootstrap().group(GROUP).channel(dev.roundtrip.http.Transport.NIO.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new ChannelOutboundHandlerAdapter() {
                                    @Override
                                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                                        if (msg instanceof HttpResponse r && r.status().code() == 101) {
                                            r.headers().set("x-served-by", WsBackend.this.name);
                                            upgrades.incrementAndGet();
                                        }
                                        ctx.write(msg, promise);
                                    }
                                },
                                new SimpleChannelInboundHandler<FullHttpRequest>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        seen.add(req.retainedDuplicate());
                                        if (req.uri().startsWith("/ws/")) {
                                            ctx.fireChannelRead(req);
                                            return;
                                        }
                                        req.release();
                                        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                                                ByteBufUtil.writeUtf8(ctx.alloc(), "no websocket here"));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                                        ctx.writeAndFlush(r);
                                    }
                                },
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws").checkStartsWith(true).handleCloseFrames(false)
                                        .maxFramePayloadLength(1 << 20).build()),
                                new SimpleChannelInboundHandler<WebSocketFrame>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                        if (f instanceof TextWebSocketFrame || f instanceof BinaryWebSocketFrame) {
                                            ctx.writeAndFlush(f);
                                        } else if (f instanceof CloseWebSocketFrame c) {
                                            closesReceived.add(c.statusCode());
                                            ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode(), "bye"))
                                                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                                            c.release();
                                        } else {
                                            f.release();
                                        }
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** Stops reading from every open connection (a backend that cannot keep up). */
    void pauseReading() {
        children.forEach(c -> c.config().setAutoRead(false));
    }

    void resumeReading() {
        children.forEach(c -> c.config().setAutoRead(true));
    }

    String hostPort() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops listening and resets every open connection: the backend process died. */
    void kill() {
        server.close().syncUninterruptibly();
        for (Channel c : children) {
            try {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (io.netty.channel.ChannelException alreadyClosed) {
                // closed already
            }
        }
        children.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        kill();
        seen.forEach(r -> r.release());
    }
}
