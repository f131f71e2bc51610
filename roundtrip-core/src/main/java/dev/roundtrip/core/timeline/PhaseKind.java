package dev.roundtrip.core.timeline;

/**
 * The phases of one request, in the order they happen, named as HAR 1.2 and curl name them.
 * A phase that did not happen (DNS answered from the stub cache is still a phase; a reused
 * connection has no CONNECT or TLS phase) is simply absent from the {@link Timeline}.
 */
public enum PhaseKind {
    /** Name to addresses: stub cache, then the recursive resolver. HAR "dns", curl time_namelookup. */
    DNS("dns"),
    /** TCP three-way handshake. HAR "connect" (without ssl), curl time_connect. */
    CONNECT("tcp"),
    /** TLS handshake. HAR "ssl", curl time_appconnect. */
    TLS("tls"),
    /**
     * QUIC handshake (HTTP/3): transport and TLS 1.3 in one round trip, so it replaces CONNECT and
     * TLS. HAR "connect" with "ssl" inside it; curl time_connect = time_appconnect.
     */
    QUIC("quic"),
    /** Writing the request. HAR "send". */
    SEND("request"),
    /** Waiting for the first response byte (TTFB). HAR "wait", curl time_starttransfer. */
    WAIT("wait"),
    /** Reading the response after its first byte. HAR "receive". */
    RECEIVE("download");

    private final String label;

    PhaseKind(String label) {
        this.label = label;
    }

    /** The short lower-case label used in waterfalls and JSON. */
    public String label() {
        return label;
    }
}
