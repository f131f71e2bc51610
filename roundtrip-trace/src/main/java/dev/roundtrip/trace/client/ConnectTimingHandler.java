package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The first handler of a new connection's pipeline, where the TCP facts are: the outbound
 * {@code connect} passes it last before the transport (connectStart as the SYN is about to go
 * out, not when the channel object was created, which on a cold JVM is milliseconds of class
 * loading that curl's {@code time_connect} does not contain), and {@code channelActive} reaches it
 * first (connectEnd, and tlsStart before the {@code SslHandler} is added and sends its ClientHello).
 * Listeners on the connect future would run too late when added from another thread, so the
 * order of the timeline's events is fixed here, on the event loop. Leaves once the channel is active.
 */
final class ConnectTimingHandler extends ChannelDuplexHandler {
    private final RequestListener listener;
    private final InetSocketAddress shownAddress;
    private final boolean tls;
    private final Runnable onActive;

    /**
     * @param onActive runs on the event loop once TCP is up and the events are sent, before the
     *                 rest of the pipeline sees the channel active: installs TLS (so, as in curl,
     *                 creating the TLS engine counts as TLS time) or cleartext HTTP
     */
    ConnectTimingHandler(RequestListener listener, InetSocketAddress shownAddress, boolean tls, Runnable onActive) {
        this.listener = listener;
        this.shownAddress = shownAddress;
        this.tls = tls;
        this.onActive = onActive;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        listener.connectStart(shownAddress);
        ctx.connect(remote, local, promise);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener.connectEnd(shownAddress);
        if (tls) {
            listener.tlsStart(); // onActive adds the SslHandler, which sends its ClientHello at once
        }
        // Ask for reads before anything is written: the head of the pipeline would only do so after
        // channelActive has passed every handler, and an answer that arrives in between must not
        // depend on the poller noticing data that was already there when reading was switched on.
        ctx.read();
        onActive.run();
        ctx.fireChannelActive(); // reaches what onActive added behind this handler
        ctx.pipeline().remove(this);
    }
}
