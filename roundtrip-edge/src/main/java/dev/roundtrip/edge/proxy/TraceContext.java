package dev.roundtrip.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) at the edge: a valid {@code traceparent}
 * is passed through unchanged; a missing or malformed one is replaced by a new trace (random
 * trace-id and parent-id, sampled), so the app and database spans of this request join one trace.
 */
public final class TraceContext {
    // AsciiString names: their case-insensitive hash is computed once, not on every lookup.
    private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    private static final AsciiString TRACESTATE = AsciiString.cached("tracestate");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceContext() {}

    /**
     * Makes sure {@code headers} carry a valid traceparent; returns it. A new one is an
     * {@link AsciiString}: its bytes are written out as they are, not converted char by char.
     */
    public static CharSequence ensure(HttpHeaders headers) {
        String tp = headers.get(TRACEPARENT);
        if (tp != null && isValid(tp)) {
            return tp;
        }
        headers.remove(TRACESTATE); // meaningless without its traceparent (section 3.3)
        AsciiString fresh = newTraceparent();
        headers.set(TRACEPARENT, fresh);
        return fresh;
    }

    /**
     * The request's traceparent as it goes upstream: {@linkplain #ensure ensured} when {@code start},
     * otherwise what the client sent, untouched ("" for none).
     */
    public static CharSequence of(HttpHeaders headers, boolean start) {
        if (start) {
            return ensure(headers);
        }
        String tp = headers.get(TRACEPARENT);
        return tp == null ? "" : tp;
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

    /** A new sampled trace: {@code 00-<32 hex>-<16 hex>-01}, written straight into one array. */
    static AsciiString newTraceparent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long traceHigh;
        long traceLow;
        long parent;
        do {
            traceHigh = r.nextLong();
            traceLow = r.nextLong();
        } while (traceHigh == 0 && traceLow == 0);
        do {
            parent = r.nextLong();
        } while (parent == 0);
        byte[] out = new byte[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        hex(traceHigh, out, 3);
        hex(traceLow, out, 19);
        out[35] = '-';
        hex(parent, out, 36);
        out[52] = '-';
        out[53] = '0';
        out[54] = '1';
        return new AsciiString(out, false);
    }

    private static void hex(long v, byte[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
