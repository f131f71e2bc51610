package dev.roundtrip.trace.render;

import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import java.util.Optional;

/**
 * curl's cumulative {@code -w} marks computed from a {@link Timeline}, in nanoseconds from the
 * start of the call, with curl's conventions: a mark the call never reached is 0;
 * {@code time_appconnect} is 0 in cleartext; on a reused connection the connect marks equal the
 * previous one (nothing happened); {@code time_pretransfer} is when the request starts,
 * {@code time_starttransfer} the first response byte.
 *
 * @param namelookupNanos end of DNS (0 when nothing was resolved: IP literal, reused connection)
 * @param connectNanos end of the TCP handshake
 * @param appconnectNanos end of the TLS handshake, 0 in cleartext
 * @param pretransferNanos start of sending the request
 * @param starttransferNanos first response byte
 * @param totalNanos end of the call
 */
public record CurlTimings(long namelookupNanos, long connectNanos, long appconnectNanos, long pretransferNanos,
                          long starttransferNanos, long totalNanos) {

    public static CurlTimings of(Timeline t) {
        long namelookup = end(t, PhaseKind.DNS).orElse(0L);
        if (t.phase(PhaseKind.QUIC).isPresent()) { // HTTP/3: connect and appconnect both end with the QUIC handshake, as curl reports
            long quic = end(t, PhaseKind.QUIC).orElse(0L);
            return new CurlTimings(namelookup, quic, quic, t.phase(PhaseKind.SEND).map(Phase::startNanos).orElse(0L),
                    end(t, PhaseKind.WAIT).orElse(0L), t.totalNanos());
        }
        boolean reached = reached(t, PhaseKind.CONNECT);
        long connect = end(t, PhaseKind.CONNECT).orElse(reached ? namelookup : 0L);
        boolean tls = t.url() != null && "https".equalsIgnoreCase(t.url().getScheme());
        long appconnect = !tls ? 0 : end(t, PhaseKind.TLS).orElse(reached(t, PhaseKind.TLS) ? connect : 0L);
        long pretransfer = t.phase(PhaseKind.SEND).map(Phase::startNanos).orElse(0L);
        long starttransfer = end(t, PhaseKind.WAIT).orElse(0L);
        return new CurlTimings(namelookup, connect, appconnect, pretransfer, starttransfer, t.totalNanos());
    }

    /** The end of {@code kind}, unless it did not happen or is the phase the call failed in. */
    private static Optional<Long> end(Timeline t, PhaseKind kind) {
        if (t.failure() != null && t.failure().phase() == kind) {
            return Optional.empty();
        }
        return t.phase(kind).map(Phase::endNanos);
    }

    /** Whether the call got past {@code kind} (it happened, or was skipped on a reused connection). */
    private static boolean reached(Timeline t, PhaseKind kind) {
        if (end(t, kind).isPresent()) {
            return true;
        }
        if (t.failure() != null && t.failure().phase().ordinal() <= kind.ordinal()) {
            return false;
        }
        return t.connectionReused();
    }

    /** Seconds with microsecond precision, as curl prints them. */
    public static double seconds(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000_000.0;
    }
}
