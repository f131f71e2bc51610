package dev.roundtrip.http.h3;

import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import java.nio.file.Path;
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
 * @param congestionControl how the listener paces what it sends (quiche's algorithms). Kernel TCP
 *     has its own setting ({@code net.ipv4.tcp_congestion_control}); comparing HTTP/3 with HTTP/2
 *     under loss is only fair with the same algorithm on both.
 * @param qlogDir where each QUIC connection writes its qlog (quiche's packet-by-packet log, JSON-SEQ,
 *     readable with qvis), one file per connection; null for none
 */
public record QuicLimits(int maxStreams, Duration idleTimeout, long maxData, long maxStreamData,
                         boolean addressValidation, boolean earlyData, CongestionControl congestionControl, Path qlogDir) {

    /** 100 streams, 30 s idle, 10 MiB per connection, 1 MiB per stream, no Retry, 0-RTT on, CUBIC, no qlog. */
    public static final QuicLimits DEFAULTS = new QuicLimits(100, Duration.ofSeconds(30), 10L << 20, 1L << 20, false, true,
            CongestionControl.CUBIC, null);

    /** quiche's congestion controllers, by the names Linux gives the same algorithms. */
    public enum CongestionControl {
        /** Loss-based, the Linux default and RFC 9438's. */
        CUBIC(QuicCongestionControlAlgorithm.CUBIC),
        /** Loss-based, halves on loss (RFC 9002's NewReno). */
        RENO(QuicCongestionControlAlgorithm.RENO),
        /** Model-based: paces at the measured bottleneck rate and does not treat random loss as congestion. */
        BBR(QuicCongestionControlAlgorithm.BBR);

        private final QuicCongestionControlAlgorithm quiche;

        CongestionControl(QuicCongestionControlAlgorithm quiche) {
            this.quiche = quiche;
        }

        /** The name used in config files and by Linux ({@code cubic}, {@code reno}, {@code bbr}). */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The algorithm named {@code name} (as in {@link #configName()}). */
        public static java.util.Optional<CongestionControl> named(String name) {
            for (CongestionControl c : values()) {
                if (c.configName().equals(name)) {
                    return java.util.Optional.of(c);
                }
            }
            return java.util.Optional.empty();
        }

        QuicCongestionControlAlgorithm quiche() {
            return quiche;
        }
    }

    public QuicLimits {
        java.util.Objects.requireNonNull(congestionControl, "congestionControl");
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
