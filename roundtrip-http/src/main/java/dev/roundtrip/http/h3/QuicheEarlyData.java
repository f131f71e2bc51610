package dev.roundtrip.http.h3;

import io.netty.channel.Channel;
import java.util.Optional;

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
    private QuicheEarlyData() {}

    /** Whether the early-data state can be read (if not, 0-RTT must stay off). */
    public static boolean available() {
        return QuicheInternals.available();
    }

    /**
     * Whether {@code quicConnection} is in early data now; empty when it cannot be told (the
     * connection is already freed, or the internals are missing).
     */
    public static Optional<Boolean> inEarlyData(Channel quicConnection) {
        return QuicheInternals.state(quicConnection).map(QuicheInternals.State::inEarlyData);
    }
}
