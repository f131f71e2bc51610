package dev.roundtrip.http.h3;

import java.time.Duration;

/**
 * The QUIC transport limits of an HTTP/3 listener, beside the HTTP limits it shares with the TCP
 * listener ({@link dev.roundtrip.http.HttpLimits}). Anti-amplification (a server sends at most
 * three times what it received from an unvalidated address, RFC 9000 section 8) is enforced by
 * quiche itself and has no knob.
 *
 * @param maxStreams concurrent request streams a client may open (QUIC {@code initial_max_streams_bidi})
 * @param idleTimeout a connection silent this long is closed ({@code max_idle_timeout})
 * @param maxData bytes a client may have in flight on one connection ({@code initial_max_data})
 * @param maxStreamData bytes a client may have in flight on one stream
 * @param addressValidation answer a new client's first Initial with a Retry carrying a signed
 *     token, so the handshake only proceeds once the client proved it receives at its address
 *     (costs one round trip; RFC 9000 section 8.1.2)
 * @param earlyData accept TLS 1.3 0-RTT data on resumed connections (the HTTP layer still decides
 *     per request: only safe methods are served from early data)
 */
public record QuicLimits(int maxStreams, Duration idleTimeout, long maxData, long maxStreamData,
                         boolean addressValidation, boolean earlyData) {

    /** 100 streams, 30 s idle, 10 MiB per connection, 1 MiB per stream, no Retry, 0-RTT on. */
    public static final QuicLimits DEFAULTS = new QuicLimits(100, Duration.ofSeconds(30), 10L << 20, 1L << 20, false, true);

    public QuicLimits {
        if (maxStreams < 1 || maxStreams > 1_000_000) {
            throw new IllegalArgumentException("max_streams: " + maxStreams + " (allowed: 1 to 1000000)");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle_timeout: " + idleTimeout + " (allowed: more than 0)");
        }
        if (maxData < 1024) {
            throw new IllegalArgumentException("max_data: " + maxData + " (allowed: 1024 bytes or more)");
        }
        if (maxStreamData < 1024 || maxStreamData > maxData) {
            throw new IllegalArgumentException("max_stream_data: " + maxStreamData + " (allowed: 1024 bytes up to max_data " + maxData + ")");
        }
    }
}
