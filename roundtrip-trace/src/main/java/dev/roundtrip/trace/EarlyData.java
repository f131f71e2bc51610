package dev.roundtrip.trace;

/**
 * What became of a request the client sent as TLS 1.3 early data (0-RTT) on a resumed QUIC
 * connection, as curl's {@code tls_earlydata} reports it: the request leaves with the first
 * flight, before the handshake completes, so it saves a round trip when the server takes it.
 */
public enum EarlyData {
    /** No early data: a full handshake, no session ticket, or a reused connection. */
    NOT_SENT("not sent"),
    /** Sent in 0-RTT and answered: the server took it (its answer is not 425). */
    ACCEPTED("accepted"),
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
