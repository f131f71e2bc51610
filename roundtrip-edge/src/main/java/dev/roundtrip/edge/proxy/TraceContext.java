package dev.roundtrip.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) at the edge: a valid {@code traceparent}
 * is passed through unchanged; a missing or malformed one is replaced by a new trace (random
 * trace-id and parent-id, sampled), so the app and database spans of this request join one trace.
 */
public final class TraceContext {
    public static final String TRACEPARENT = "traceparent";
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
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

    static boolean isValid(String tp) {
        return VALID.matcher(tp).matches() && !tp.startsWith("ff")
                && !tp.substring(3, 35).equals(ZERO_TRACE) && !tp.substring(36, 52).equals(ZERO_PARENT);
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
