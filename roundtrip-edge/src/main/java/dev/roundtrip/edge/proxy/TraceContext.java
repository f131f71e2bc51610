package dev.roundtrip.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) at the edge: a valid {@code traceparent}
 * is passed through unchanged; a missing or malformed one is replaced by a new trace (random
 * trace-id and parent-id, sampled), so the app and database spans of this request join one trace.
 */
public final class TraceContext {
    public static final String TRACEPARENT = "traceparent";
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceContext() {}

    /** Makes sure {@code headers} carry a valid traceparent; returns it. */
    public static String ensure(HttpHeaders headers) {
        String tp = headers.get(TRACEPARENT);
        if (tp != null && isValid(tp)) {
            return tp;
        }
        headers.remove("tracestate"); // meaningless without its traceparent (section 3.3)
        String fresh = newTraceparent();
        headers.set(TRACEPARENT, fresh);
        return fresh;
    }

    /** {@code version-traceid-parentid-flags}, lower-case hex, version not ff, ids not all zero (section 3.2). */
    static boolean isValid(String tp) {
        if (tp.length() != 55 || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') {
            return false;
        }
        for (int i = 0; i < 55; i++) {
            if (i != 2 && i != 35 && i != 52 && !HexFormat.isHexDigit(tp.charAt(i))) {
                return false;
            }
        }
        return isLowerHex(tp) && !tp.startsWith("ff") && !tp.regionMatches(3, ZERO_TRACE, 0, 32)
                && !tp.regionMatches(36, ZERO_PARENT, 0, 16);
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'F') {
                return false;
            }
        }
        return true;
    }

    static String newTraceparent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] trace = new byte[16];
        byte[] parent = new byte[8];
        do {
            r.nextBytes(trace);
            r.nextBytes(parent);
        } while (allZero(trace) || allZero(parent));
        HexFormat hex = HexFormat.of();
        return "00-" + hex.formatHex(trace) + "-" + hex.formatHex(parent) + "-01";
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
