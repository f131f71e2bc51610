package dev.roundtrip.trace;

/**
 * What became of a request the client offered as TLS 1.3 early data (0-RTT) on a resumed QUIC
 * connection, as curl's {@code tls_earlydata} reports it: written while quiche held 0-RTT keys,
 * before the handshake completed, so it can leave with the first flight and save a round trip.
 *
 * <p>What the client cannot see is whether quiche really put the bytes into 0-RTT packets (it
 * also needs the server's remembered transport limits to have credit): {@code roundtrip lab run
 * handshakes} measures when the request reached the balancer, and on Netty 4.2.18 it arrived only
 * after the handshake. Hence "offered", not "sent".
 */
public enum EarlyData {
    /** No early data: a full handshake, no session ticket, or a reused connection. */
    NOT_SENT("not sent"),
    /** Offered as 0-RTT and answered: the server took it (its answer is not 425). */
    ACCEPTED("offered early, answered"),
    /**
     * Sent in 0-RTT, but the handshake did not resume the session, so the server (TLS) discarded
     * it; the request had to go again after the handshake.
     */
    REJECTED("rejected (full handshake)"),
    /** Sent in 0-RTT and the TLS layer took it, but the HTTP server answered 425 Too Early (RFC 8470). */
    TOO_EARLY("refused: 425 Too Early");

    private final String label;

    EarlyData(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
