package dev.roundtrip.http.h3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Saves HTTP/3 a round trip on both ends of a handshake by noticing what quiche did while
 * sending. Sits on a UDP socket's pipeline in front of Netty's QUIC codec ({@link #around}).
 *
 * <p>Why: every BoringSSL handshake under Netty 4.2.18 pauses once for a task in Java (the
 * server picks its certificate, the client checks the server's), and quiche resumes it in the
 * next {@code send}. Netty looks at a connection's state only after it has received a datagram,
 * so what the resumed handshake made possible waits for the peer's next packet, one round trip
 * later (measured in qlogs of the lab's {@code handshakes} experiment):
 * <ul>
 *   <li>a client that has sent its Finished is reported connected only when the server's
 *       HANDSHAKE_DONE arrives, so its request leaves at 2 RTT instead of 1;</li>
 *   <li>a server that accepted 0-RTT reads the early request only when the client's Finished
 *       arrives, so 0-RTT saves nothing.</li>
 * </ul>
 * After each read burst, once the QUIC codec has sent what quiche had, this handler asks quiche
 * about each connection it watches ({@link #watch}) that Netty has not yet made active. Where the
 * handshake completed or early data is accepted, it runs the channel's own "received" step: the
 * channel becomes active, the handshake event fires, early streams are read. A connection leaves
 * the watch once active or closed. Without Netty's internals ({@link QuicheInternals#available()})
 * it does nothing and Netty's own timing applies.
 */
public final class HandshakeProgress extends ChannelInboundHandlerAdapter {
    private final Set<QuicChannel> watched = new LinkedHashSet<>();

    /** A UDP socket's handler: this, then {@code quicCodec}. */
    public static ChannelHandler around(ChannelHandler quicCodec) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel udp) {
                udp.pipeline().addLast("handshake-progress", new HandshakeProgress()).addLast("quic", quicCodec);
            }
        };
    }

    /** Watches {@code quic} (a connection on a socket set up by {@link #around}) until it is active. */
    public static void watch(QuicChannel quic) {
        Channel udp = quic.parent();
        HandshakeProgress progress = udp == null ? null : udp.pipeline().get(HandshakeProgress.class);
        if (progress != null && QuicheInternals.available()) {
            progress.watched.add(quic);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete(); // the QUIC codec processes and sends now
        for (Iterator<QuicChannel> it = watched.iterator(); it.hasNext(); ) {
            QuicChannel quic = it.next();
            var state = quic.isOpen() && !quic.isActive() ? QuicheInternals.state(quic) : Optional.<QuicheInternals.State>empty();
            state.ifPresent(s -> {
                if (s.inEarlyData()) {
                    quic.read(); // a server reads streams only once asked; Netty asks when the channel becomes active
                }
                if (s.established() || s.inEarlyData()) {
                    QuicheInternals.processReceived(quic);
                }
            });
            if (state.isEmpty() || quic.isActive()) {
                it.remove(); // active (Netty has it from here), closed, or no longer readable
            }
        }
    }
}
