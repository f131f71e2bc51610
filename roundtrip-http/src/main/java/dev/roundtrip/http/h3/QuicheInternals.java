package dev.roundtrip.http.h3;

import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few facts and one step of Netty 4.2.18's QUIC channel that have no public API, reached
 * reflectively in this one place: quiche's connection state ({@code quiche_conn_is_established},
 * {@code quiche_conn_is_in_early_data}) and the channel's "process what quiche received" step.
 * Each use says why it needs them ({@link QuicheEarlyData}, {@link HandshakeProgress}); where
 * the internals are missing (another Netty version) {@link #available()} is false and callers fall
 * back to Netty's own behaviour.
 */
final class QuicheInternals {
    private static final Logger log = LoggerFactory.getLogger(QuicheInternals.class);
    private static final Field CONNECTION;
    private static final Method ADDRESS;
    private static final Method IS_FREED;
    private static final Method IS_IN_EARLY_DATA;
    private static final Method IS_ESTABLISHED;
    private static final Method PROCESS_RECEIVED;

    static {
        Field connection = null;
        Method address = null;
        Method freed = null;
        Method inEarlyData = null;
        Method established = null;
        Method processReceived = null;
        try {
            Class<?> channel = Class.forName("io.netty.handler.codec.quic.QuicheQuicChannel");
            Class<?> conn = Class.forName("io.netty.handler.codec.quic.QuicheQuicConnection");
            Class<?> quiche = Class.forName("io.netty.handler.codec.quic.Quiche");
            connection = accessible(channel.getDeclaredField("connection"));
            address = accessible(conn.getDeclaredMethod("address"));
            freed = accessible(conn.getDeclaredMethod("isFreed"));
            inEarlyData = accessible(quiche.getDeclaredMethod("quiche_conn_is_in_early_data", long.class));
            established = accessible(quiche.getDeclaredMethod("quiche_conn_is_established", long.class));
            processReceived = accessible(Class.forName("io.netty.handler.codec.quic.QuicheQuicChannel$QuicChannelUnsafe")
                    .getDeclaredMethod("processReceived", conn));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot reach quiche's connection state through Netty ({}): HTTP/3 runs without 0-RTT "
                    + "and handshakes may take a round trip more", e.toString());
            connection = null;
        }
        CONNECTION = connection;
        ADDRESS = address;
        IS_FREED = freed;
        IS_IN_EARLY_DATA = inEarlyData;
        IS_ESTABLISHED = established;
        PROCESS_RECEIVED = processReceived;
    }

    private QuicheInternals() {}

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }

    static boolean available() {
        return CONNECTION != null;
    }

    /** quiche's state of {@code quic}'s connection; empty once freed or when it cannot be read. */
    static Optional<State> state(Channel quic) {
        Object connection = connection(quic);
        if (connection == null) {
            return Optional.empty();
        }
        try {
            long address = (Long) ADDRESS.invoke(connection);
            return Optional.of(new State((Boolean) IS_ESTABLISHED.invoke(null, address), (Boolean) IS_IN_EARLY_DATA.invoke(null, address)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the channel's own step for "quiche received something" (channel active, handshake
     * event, readable streams), as Netty does after each incoming datagram. Call it on the
     * channel's event loop. Does nothing when the connection is gone.
     */
    static void processReceived(Channel quic) {
        Object connection = connection(quic);
        if (connection == null) {
            return;
        }
        try {
            PROCESS_RECEIVED.invoke(quic.unsafe(), connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("[{}] could not process quiche's progress: {}", quic.id(), e.toString());
        }
    }

    private static Object connection(Channel quic) {
        if (CONNECTION == null || !CONNECTION.getDeclaringClass().isInstance(quic)) {
            return null;
        }
        try {
            Object connection = CONNECTION.get(quic);
            return connection == null || (Boolean) IS_FREED.invoke(connection) ? null : connection;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** What quiche says of a connection: handshake complete, still in early data. */
    record State(boolean established, boolean inEarlyData) {}
}
