package dev.roundtrip.app.api;

import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The W3C Trace Context of one request (https://www.w3.org/TR/trace-context/): the trace it belongs
 * to, the span that called us, and the sampling flags. The app server continues the caller's trace
 * with a span of its own and names that span in the {@code traceresponse} header, so the tracing
 * client can tie the server's timing to its request.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero
 * @param flags the trace-flags byte (bit 0: sampled)
 */
public record TraceContext(String traceId, String spanId, int flags) {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * Parses a {@code traceparent} header (trace-context section 3.2). Invalid values are ignored,
     * as the spec asks: the caller then starts a new trace.
     */
    public static Optional<TraceContext> parse(String header) {
        String value = header.strip();
        // version "00" has exactly 55 characters; a later version may append fields after a '-'.
        if (value.length() < 55 || (value.length() > 55 && value.charAt(55) != '-')) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!isLowerHex(version) || version.equals("ff") || (version.equals("00") && value.length() != 55)) {
            return Optional.empty();
        }
        if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String parentId = value.substring(36, 52);
        String flags = value.substring(53, 55);
        if (!isLowerHex(traceId) || !isLowerHex(parentId) || !isLowerHex(flags) || isZero(traceId) || isZero(parentId)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, parentId, Integer.parseInt(flags, 16)));
    }

    /** A span of this server inside the caller's trace, or the root of a new trace when there is none. */
    public static TraceContext serverSpan(Optional<TraceContext> caller, RandomGenerator random) {
        String spanId = nonZeroHex(random, 8);
        return caller.map(c -> new TraceContext(c.traceId(), spanId, c.flags()))
                .orElseGet(() -> new TraceContext(nonZeroHex(random, 16), spanId, 0));
    }

    /** This context as a {@code traceparent}/{@code traceresponse} header value (version 00). */
    public String toHeaderValue() {
        return "00-" + traceId + "-" + spanId + "-" + HEX.toHexDigits((byte) flags);
    }

    private static String nonZeroHex(RandomGenerator random, int bytes) {
        byte[] b = new byte[bytes];
        do {
            for (int i = 0; i < bytes; i++) {
                b[i] = (byte) random.nextInt(256);
            }
        } while (isZero(HEX.formatHex(b)));
        return HEX.formatHex(b);
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
