package dev.roundtrip.edge.proxy;

import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.http.ConnectionInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The header rewriting a reverse proxy owes both sides (RFC 9110 section 7.6): hop-by-hop headers
 * removed in both directions, and on the way up {@code X-Forwarded-For/-Proto/-Host},
 * {@code Forwarded} (RFC 7239) and {@code Via}; on the way down {@code Via} and the balancer's
 * {@code Server-Timing} entry, each as the listener's {@link AddedHeader}s say. Pure functions on
 * header maps and values.
 */
public final class ForwardedHeaders {
    /** The proxy's pseudonym in Via (RFC 9110 section 7.6.3). */
    public static final String VIA_NAME = "roundtrip";

    // AsciiString names: their case-insensitive hash is computed once, not on every lookup.
    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION};
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString SERVER_TIMING = AsciiString.cached("server-timing");
    // AsciiString values: written out as bytes, not converted char by char.
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString VIA_1_1 = AsciiString.cached("1.1 " + VIA_NAME);
    private static final AsciiString VIA_2 = AsciiString.cached("2 " + VIA_NAME);
    private static final AsciiString VIA_3 = AsciiString.cached("3 " + VIA_NAME);
    private static final byte[] LB_DUR = "lb;dur=".getBytes(StandardCharsets.US_ASCII);
    /** Removed from requests only: Expect (a 100-continue is answered here) and the HTTP/2 conversion headers. */
    private static final AsciiString[] REQUEST_ONLY = Stream.concat(Stream.of(HttpHeaderNames.EXPECT),
            Arrays.stream(HttpConversionUtil.ExtensionHeaderNames.values()).map(HttpConversionUtil.ExtensionHeaderNames::text))
            .toArray(AsciiString[]::new);

    private ForwardedHeaders() {}

    /** Removes hop-by-hop headers, including those the Connection header names. */
    public static void removeHopByHop(HttpHeaders headers) {
        removeAll(headers, false);
    }

    /**
     * Removes the hop-by-hop headers, those the Connection header names and, on a request
     * ({@code request}), Expect and the HTTP/2 conversion headers. One pass over the headers finds
     * them, so a message without any (most requests) costs no map lookups, and one with only
     * {@code Connection: keep-alive} (most responses) costs two removals, not one per name.
     */
    private static void removeAll(HttpHeaders headers, boolean request) {
        List<CharSequence> found = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (!isOneOf(name, HOP_BY_HOP) && !(request && isOneOf(name, REQUEST_ONLY))) {
                continue;
            }
            if (found == null) {
                found = new ArrayList<>(4);
            }
            found.add(name);
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                for (String token : header.getValue().toString().split(",")) {
                    String t = token.strip();
                    if (!t.isEmpty()) {
                        found.add(t);
                    }
                }
            }
        }
        if (found != null) {
            for (CharSequence name : found) {
                headers.remove(name);
            }
        }
    }

    /** Whether {@code name} is one of {@code names}, ignoring case; names of another length are passed over at once. */
    private static boolean isOneOf(CharSequence name, AsciiString[] names) {
        for (AsciiString n : names) {
            if (n.length() == name.length() && n.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rewrites a downstream request's headers for the upstream: hop-by-hop and HTTP/2 conversion
     * headers removed; Host kept (set from :authority for HTTP/2); the forwarding headers of
     * {@code add} added (all but traceparent, which {@link TraceContext} starts).
     */
    public static void forUpstream(HttpHeaders headers, ConnectionInfo conn, Set<AddedHeader> add) {
        removeAll(headers, true);
        if (add.isEmpty()) {
            return;
        }
        String clientIp = conn.clientAddress();
        String host = headers.get(HttpHeaderNames.HOST, "");
        if (add.contains(AddedHeader.X_FORWARDED_FOR)) {
            String xff = headers.get(X_FORWARDED_FOR);
            headers.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        }
        if (add.contains(AddedHeader.X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, conn.secure() ? HTTPS : HTTP);
        }
        if (add.contains(AddedHeader.X_FORWARDED_HOST) && !host.isEmpty()) {
            headers.set(X_FORWARDED_HOST, host);
        }
        if (add.contains(AddedHeader.FORWARDED)) {
            headers.add(FORWARDED, forwarded(conn, clientIp, host));
        }
        if (add.contains(AddedHeader.VIA)) {
            appendVia(headers, conn.viaVersion());
        }
    }

    /** This hop's {@code Forwarded} element: {@code for}, {@code host} (when known) and {@code proto}, quoted where RFC 7239 says. */
    private static AsciiString forwarded(ConnectionInfo conn, String clientIp, String host) {
        StringBuilder fwd = new StringBuilder(64).append("for=");
        if (conn.remote().getAddress() instanceof Inet6Address) {
            fwd.append("\"[").append(clientIp).append("]\"");
        } else {
            fwd.append(clientIp);
        }
        if (!host.isEmpty() && isToken(host)) {
            fwd.append(";host=").append(host);
        } else if (!host.isEmpty()) {
            fwd.append(";host=\"");
            quoted(fwd, host);
            fwd.append('"');
        }
        fwd.append(";proto=").append(conn.scheme());
        return new AsciiString(fwd); // bytes once, written out as they are
    }

    /** Rewrites an upstream response's headers for the client: hop-by-hop removed, and Via added when {@code add} has it. */
    public static void forDownstream(HttpHeaders headers, String viaVersion, Set<AddedHeader> add) {
        removeHopByHop(headers);
        if (add.contains(AddedHeader.VIA)) {
            appendVia(headers, viaVersion);
        }
    }

    /** Adds the balancer's {@link #lbTiming} entry for {@code nanos} to a response's headers, when {@code add} has Server-Timing. */
    public static void addServerTiming(HttpHeaders headers, long nanos, Set<AddedHeader> add) {
        if (add.contains(AddedHeader.SERVER_TIMING)) {
            headers.add(SERVER_TIMING, lbTiming(nanos));
        }
    }

    private static void appendVia(HttpHeaders headers, String version) {
        String via = headers.get(HttpHeaderNames.VIA);
        AsciiString mine = switch (version) {
            case "1.1" -> VIA_1_1;
            case "2" -> VIA_2;
            case "3" -> VIA_3;
            default -> new AsciiString(version + " " + VIA_NAME);
        };
        headers.set(HttpHeaderNames.VIA, via == null || via.isBlank() ? mine : via + ", " + mine);
    }

    /** {@code s} inside a quoted-string: backslash and double quote escaped (RFC 9110 section 5.6.4). */
    private static void quoted(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    /**
     * The balancer's {@code Server-Timing} entry for {@code nanos} inside it: {@code lb;dur=1.234},
     * milliseconds with three decimals as {@link dev.roundtrip.core.timeline.ServerTiming#toHeaderValue()}
     * writes them, made straight into the bytes of the header value (from its end backwards).
     */
    public static AsciiString lbTiming(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        byte[] out = new byte[LB_DUR.length + 24]; // up to 19 digits, '.', 3 decimals
        int at = out.length;
        for (int i = 0; i < 3; i++, micros /= 10) {
            out[--at] = (byte) ('0' + micros % 10);
        }
        out[--at] = '.';
        do {
            out[--at] = (byte) ('0' + micros % 10);
            micros /= 10;
        } while (micros > 0);
        at -= LB_DUR.length;
        System.arraycopy(LB_DUR, 0, out, at, LB_DUR.length);
        return new AsciiString(out, at, out.length - at, false);
    }

    /** RFC 7230 token characters (RFC 7239 section 4 quotes anything else, e.g. a host with ':'). */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The request target in origin-form: an absolute-form {@code http://host/path?q} becomes {@code /path?q}. */
    public static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri; // origin-form already, as nearly every request is
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int start = uri.indexOf("//") + 2;
            int slash = uri.indexOf('/', start);
            int query = uri.indexOf('?', start);
            if (slash < 0 && query < 0) {
                return "/";
            }
            if (slash < 0 || (query >= 0 && query < slash)) {
                return "/" + uri.substring(query);
            }
            return uri.substring(slash);
        }
        return uri;
    }
}
