package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The first handler of a new connection's pipeline, so the last one a {@code connect} passes
 * before the transport: it reports connectStart at the moment the SYN is about to go out, not
 * when the channel object was created and registered (which on a cold JVM is a matter of
 * milliseconds of class loading that curl's {@code time_connect} does not contain).
 */
final class ConnectTimingHandler extends ChannelOutboundHandlerAdapter {
    private final RequestListener listener;
    private final InetSocketAddress shownAddress;

    ConnectTimingHandler(RequestListener listener, InetSocketAddress shownAddress) {
        this.listener = listener;
        this.shownAddress = shownAddress;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        ctx.pipeline().remove(this);
        listener.connectStart(shownAddress);
        ctx.connect(remote, local, promise);
    }
}
