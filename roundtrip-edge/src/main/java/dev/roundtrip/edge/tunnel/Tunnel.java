package dev.roundtrip.edge.tunnel;

import dev.roundtrip.edge.tunnel.Tunnels.CloseReason;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket tunnel, after the backend answered 101: relays frames between the client side
 * (an HTTP/1.1 connection, or an HTTP/2 stream per RFC 8441) and the dedicated backend connection,
 * with backpressure (a side stops reading while the other cannot take more), and ends it: when
 * either side closes, the other is closed after what it was sent is flushed; on idle timeout, max
 * lifetime and drain the balancer itself sends a Close frame (1001, going away) to both sides, waits
 * up to {@value #CLOSE_WAIT_MILLIS} ms for their Close replies, then closes both.
 *
 * <p>Both channels are on the same event loop; every method runs on it.
 */
final class Tunnel {
    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
    /** How long the peers get to answer the balancer's Close frame before their connections are closed. */
    static final long CLOSE_WAIT_MILLIS = 2000;

    private final Tunnels tunnels;
    private final Channel down;
    private final Channel up;
    private final boolean downIsStream;
    private final String label;
    private CloseReason reason;
    private boolean closing;
    private boolean downEnded;
    private int channelsOpen = 2;
    private ScheduledFuture<?> lifetime;
    private ScheduledFuture<?> drain;

    /**
     * @param down the client's connection, or its HTTP/2 stream channel
     * @param downIsStream whether {@code down} is an HTTP/2 stream (ended with END_STREAM, not a FIN)
     * @param label for logs: client, route, endpoint
     */
    Tunnel(Tunnels tunnels, Channel down, Channel up, boolean downIsStream, String label) {
        this.tunnels = tunnels;
        this.down = down;
        this.up = up;
        this.downIsStream = downIsStream;
        this.label = label;
    }

    /** Counts the tunnel open and arms its max lifetime; call once both relays are installed. */
    void start() {
        tunnels.opened(connection());
        log.debug("tunnel open: {}", label);
        down.closeFuture().addListener(f -> channelClosed());
        up.closeFuture().addListener(f -> channelClosed());
        lifetime = down.eventLoop().schedule(() -> goAway(1001, "max lifetime reached", CloseReason.MAX_LIFETIME),
                tunnels.config().maxLifetime().toNanos(), TimeUnit.NANOSECONDS);
    }

    private Channel connection() {
        return downIsStream ? down.parent() : down;
    }

    /** A frame read from one side: to the other side (or, while closing, only the peer's Close reply is noticed). */
    void frame(boolean fromDown, WebSocketFrame frame) {
        Channel from = fromDown ? down : up;
        Channel to = fromDown ? up : down;
        if (reason == null && frame instanceof CloseWebSocketFrame) {
            reason = fromDown ? CloseReason.CLIENT : CloseReason.UPSTREAM; // who started the close handshake
        }
        if (closing) {
            if (frame instanceof CloseWebSocketFrame) {
                closeSide(from);
            }
            frame.release();
            return;
        }
        tunnels.relayed(fromDown, frame.content().readableBytes());
        to.write(frame).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        if (!to.isWritable()) {
            from.config().setAutoRead(false); // resumed by writabilityChanged(to)
        }
    }

    /** A read burst on one side ended: flush what it produced to the other side. */
    void readComplete(boolean fromDown) {
        (fromDown ? up : down).flush();
    }

    /** The other side reads only while this side can take more. */
    void writabilityChanged(boolean ofDown) {
        Channel ch = ofDown ? down : up;
        Channel other = ofDown ? up : down;
        if (!closing) {
            other.config().setAutoRead(ch.isWritable());
        }
    }

    /** One side is gone (connection closed, stream reset or ended by the client): close the other. */
    void sideEnded(boolean ofDown) {
        if (reason == null) {
            reason = ofDown ? CloseReason.CLIENT : CloseReason.UPSTREAM;
        }
        closeSide(ofDown ? up : down);
        if (ofDown && downIsStream) {
            closeSide(down);
        }
    }

    /** Starts the balancer's own close: Close frames with {@code code} to both sides, then close both. */
    void goAway(int code, String text, CloseReason why) {
        if (closing || channelsOpen == 0) {
            return;
        }
        closing = true;
        if (reason == null) {
            reason = why;
        }
        log.debug("tunnel closing ({} {}): {}", code, text, label);
        for (Channel ch : new Channel[] {down, up}) {
            if (ch.isActive()) {
                ch.config().setAutoRead(true); // to read the Close reply
                ch.writeAndFlush(new CloseWebSocketFrame(code, text));
            }
        }
        down.eventLoop().schedule(() -> {
            closeSide(down);
            closeSide(up);
        }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The balancer drains: close with 1001 before {@code grace} is over (see below). */
    void drain(Duration grace) {
        if (drain == null && !closing) {
            // The balancer closes what is left when the grace is over: send 1001 early enough for the
            // close handshake (at most CLOSE_WAIT_MILLIS) to fit before that.
            long margin = Math.min(grace.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS));
            drain = down.eventLoop().schedule(() -> goAway(1001, "going away", CloseReason.DRAIN),
                    grace.toNanos() - margin, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes one side once what was written to it is flushed; a stream is ended with END_STREAM. */
    private void closeSide(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        if (ch == down && downIsStream) {
            if (!downEnded) {
                downEnded = true;
                ch.writeAndFlush(new DefaultHttp2DataFrame(true));
                // The stream closes when the client ends its half too; reset it if it does not.
                ch.eventLoop().schedule(() -> { ch.close(); }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void channelClosed() {
        if (--channelsOpen > 0) {
            // Whichever closed first decides the reason; close the other.
            sideEnded(!down.isOpen());
            return;
        }
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        if (drain != null) {
            drain.cancel(false);
        }
        tunnels.ended(connection(), reason == null ? CloseReason.CLIENT : reason);
        log.debug("tunnel closed ({}): {}", reason, label);
    }
}
