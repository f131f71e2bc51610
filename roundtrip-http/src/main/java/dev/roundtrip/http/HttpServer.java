package dev.roundtrip.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/** Binds a listening socket for an {@link HttpServerInitializer} with the socket options every roundtrip HTTP server uses. */
public final class HttpServer {
    private HttpServer() {}

    /**
     * Binds {@code address} (already mapped by {@code Network.bindAddress}); the future's channel
     * is the listening socket, whose {@code localAddress()} has the real port when 0 was asked.
     */
    public static ChannelFuture bind(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers,
            InetSocketAddress address, HttpServerInitializer initializer) {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(initializer)
                .bind(address);
    }

    /** The listening channel's bound address. */
    public static InetSocketAddress boundAddress(Channel listener) {
        return (InetSocketAddress) listener.localAddress();
    }
}
