package dev.roundtrip.edge.proxy;

import dev.roundtrip.http.ConnectionInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header rewriting a reverse proxy owes both sides (RFC 9110 section 7.6): hop-by-hop headers
 * removed in both directions, and on the way up {@code X-Forwarded-For/-Proto/-Host},
 * {@code Forwarded} (RFC 7239) and {@code Via}. Pure functions on header maps.
 */
public final class ForwardedHeaders {
    /** The proxy's pseudonym in Via (RFC 9110 section 7.6.3). */
    public static final String VIA_NAME = "roundtrip";

    // AsciiString names: their case-insensitive hash is computed once, not on every lookup.
    private static final CharSequence[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION};
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final CharSequence[] CONVERSION_HEADERS = java.util.Arrays.stream(HttpConversionUtil.ExtensionHeaderNames.values())
            .map(HttpConversionUtil.ExtensionHeaderNames::text).toArray(CharSequence[]::new);

    private ForwardedHeaders() {}

    /** Removes hop-by-hop headers, including those the Connection header names. */
    public static void removeHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            List<String> named = new ArrayList<>();
            for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : connection.split(",")) {
                    String t = token.strip();
                    if (!t.isEmpty()) {
                        named.add(t);
                    }
                }
            }
            for (String n : named) {
                headers.remove(n);
            }
        }
        for (CharSequence h : HOP_BY_HOP) {
            headers.remove(h);
        }
    }

    /**
     * Rewrites a downstream request's headers for the upstream: hop-by-hop and HTTP/2 conversion
     * headers removed; Host kept (set from :authority for HTTP/2); forwarding headers added.
     */
    public static void forUpstream(HttpHeaders headers, ConnectionInfo conn) {
        removeHopByHop(headers);
        headers.remove(HttpHeaderNames.EXPECT); // the 100-continue was answered here
        for (CharSequence x : CONVERSION_HEADERS) {
            headers.remove(x);
        }
        InetAddress client = conn.remote().getAddress();
        String clientIp = NetUtil.toAddressString(client); // RFC 5952 form for IPv6: "::1"
        int zone = clientIp.indexOf('%');
        if (zone >= 0) {
            clientIp = clientIp.substring(0, zone);
        }
        String host = headers.get(HttpHeaderNames.HOST, "");
        String xff = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, conn.scheme());
        if (!host.isEmpty()) {
            headers.set(X_FORWARDED_HOST, host);
        }
        StringBuilder fwd = new StringBuilder("for=");
        fwd.append(client instanceof Inet6Address ? "\"[" + clientIp + "]\"" : clientIp);
        if (!host.isEmpty() && isToken(host)) {
            fwd.append(";host=").append(host);
        } else if (!host.isEmpty()) {
            fwd.append(";host=\"").append(host.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        fwd.append(";proto=").append(conn.scheme());
        headers.add(FORWARDED, fwd.toString());
        appendVia(headers, conn.viaVersion());
    }

    /** Rewrites an upstream response's headers for the client (hop-by-hop removed, Via added). */
    public static void forDownstream(HttpHeaders headers, String viaVersion) {
        removeHopByHop(headers);
        appendVia(headers, viaVersion);
    }

    private static void appendVia(HttpHeaders headers, String version) {
        String via = headers.get(HttpHeaderNames.VIA);
        String mine = version + " " + VIA_NAME;
        headers.set(HttpHeaderNames.VIA, via == null || via.isBlank() ? mine : via + ", " + mine);
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
