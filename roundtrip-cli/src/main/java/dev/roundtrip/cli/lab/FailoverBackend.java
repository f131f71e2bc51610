package dev.roundtrip.cli.lab;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend of the failover experiment: a real HTTP/1.1 keep-alive server on its own socket that
 * answers every request 200 with its name, and can crash on demand: {@link #kill} stops listening
 * and resets every open connection (SO_LINGER 0), as a process that dies does.
 */
final class FailoverBackend implements AutoCloseable {
    final String name;
    final AtomicLong requests = new AtomicLong();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    /** Binds {@code real} (the loopback socket the embedded network mapped the lab address to) on {@code group}. */
    FailoverBackend(String name, InetSocketAddress real, EventLoopGroup group, dev.roundtrip.http.Transport transport) {
        this.name = name;
        this.server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new HttpServerKeepAliveHandler(),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        requests.incrementAndGet();
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                ByteBufUtil.writeUtf8(ctx.alloc(), "ok from " + FailoverBackend.this.name + "\n"));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                                        r.headers().set("x-backend", FailoverBackend.this.name);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                })
                .bind(real).syncUninterruptibly().channel();
    }

    /** Stops listening and resets every open connection. */
    void kill() {
        server.close().syncUninterruptibly();
        for (Channel c : connections) {
            try {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (ChannelException alreadyClosed) {
                // closed by the peer first: nothing to reset
            }
        }
        connections.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        kill();
    }
}
