package dev.roundtrip.edge.h3;

import dev.roundtrip.http.h3.Http3ServerInitializer;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Set;

/**
 * Decides which requests received in TLS early data (0-RTT) the balancer serves: an attacker who
 * recorded a client's first flight can replay it, so only safe methods (GET, HEAD, OPTIONS: RFC
 * 9110 section 9.2.1) are proxied, marked {@code Early-Data: 1} for the upstream; anything else is
 * answered {@code 425 Too Early} (RFC 8470 section 5.2) and the client sends it again after the
 * handshake. Safe rather than merely idempotent: a replayed PUT or DELETE, reordered behind a
 * later request, still changes state. Pure: a unit test drives it.
 */
public final class EarlyDataPolicy {
    public static final HttpResponseStatus TOO_EARLY = HttpResponseStatus.valueOf(425, "Too Early");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private EarlyDataPolicy() {}

    /** Whether {@code method} may be served from early data. */
    public static boolean servesFromEarlyData(String method) {
        return SAFE.contains(method);
    }

    /** Whether a request with these headers arrived in early data and must be answered 425. */
    public static boolean tooEarly(String method, HttpHeaders headers) {
        return inEarlyData(headers) && !servesFromEarlyData(method);
    }

    /** Whether the request is marked as received in early data (by our QUIC listener or an intermediary before us). */
    public static boolean inEarlyData(HttpHeaders headers) {
        return headers.contains(Http3ServerInitializer.EARLY_DATA_HEADER);
    }
}
