package dev.roundtrip.http.h3;

import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks quiche whether a server-side QUIC connection is still in TLS early data, i.e. it accepted
 * the client's 0-RTT flight and has not yet received the client's Finished: whatever the server
 * reads in that state may be a replay (RFC 9001 section 9.2). Netty 4.2.18 has this fact
 * ({@code quiche_conn_is_in_early_data}) but no public API for it: its
 * {@code SslHandshakeCompletionEvent} fires on the server while still in early data (measured),
 * and {@code SslEarlyDataReadyEvent} is client-only. So it is read reflectively, once per request
 * head, on the connection's event loop; when the internals are not there (another Netty version), {@link #available()} says so and
 * the listener turns 0-RTT off rather than guess.
 */
public final class QuicheEarlyData {
    private static final Logger log = LoggerFactory.getLogger(QuicheEarlyData.class);
    private static final Field CONNECTION;
    private static final Method ADDRESS;
    private static final Method IS_FREED;
    private static final Method IS_IN_EARLY_DATA;

    static {
        Field connection = null;
        Method address = null;
        Method freed = null;
        Method inEarlyData = null;
        try {
            Class<?> channel = Class.forName("io.netty.handler.codec.quic.QuicheQuicChannel");
            connection = channel.getDeclaredField("connection");
            connection.setAccessible(true);
            address = Class.forName("io.netty.handler.codec.quic.QuicheQuicConnection").getDeclaredMethod("address");
            address.setAccessible(true);
            freed = Class.forName("io.netty.handler.codec.quic.QuicheQuicConnection").getDeclaredMethod("isFreed");
            freed.setAccessible(true);
            inEarlyData = Class.forName("io.netty.handler.codec.quic.Quiche").getDeclaredMethod("quiche_conn_is_in_early_data", long.class);
            inEarlyData.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot read quiche's early-data state ({}): HTTP/3 listeners run without 0-RTT", e.toString());
            connection = null;
        }
        CONNECTION = connection;
        ADDRESS = address;
        IS_FREED = freed;
        IS_IN_EARLY_DATA = inEarlyData;
    }

    private QuicheEarlyData() {}

    /** Whether the early-data state can be read (if not, 0-RTT must stay off). */
    public static boolean available() {
        return CONNECTION != null;
    }

    /**
     * Whether {@code quicConnection} is in early data now; empty when it cannot be told (the
     * connection is already freed, or the internals are missing).
     */
    public static Optional<Boolean> inEarlyData(Channel quicConnection) {
        if (CONNECTION == null) {
            return Optional.empty();
        }
        try {
            Object connection = CONNECTION.get(quicConnection);
            if (connection == null) {
                return Optional.empty();
            }
            if ((Boolean) IS_FREED.invoke(connection)) {
                return Optional.empty();
            }
            return Optional.of((Boolean) IS_IN_EARLY_DATA.invoke(null, (Long) ADDRESS.invoke(connection)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
