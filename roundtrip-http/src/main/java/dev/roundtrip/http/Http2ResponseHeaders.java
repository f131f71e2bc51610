package dev.roundtrip.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns an HTTP/1.1 response head into HTTP/2 header fields, as Netty's
 * {@link HttpConversionUtil#toHttp2Headers(io.netty.handler.codec.http.HttpMessage, boolean)}
 * does, with less work for the usual response: a field whose name is a common one (as decoded
 * from an upstream, e.g. {@code Content-Type}) takes Netty's lower-case constant, whose hash is
 * computed once and which HPACK then finds at once, and the connection-specific fields HTTP/2
 * forbids are known from the same table, without a lower-case copy of every name and two map
 * lookups per field. A head with {@code Connection}, {@code TE} or {@code Cookie} fields (rare on
 * a response; they need filtering or splitting) goes to Netty's conversion unchanged.
 *
 * <p>The fields are not validated again: see {@link Downstream#writeHead}.
 */
final class Http2ResponseHeaders {
    /** What the table knows about a name. */
    private enum Kind { PASS, DROP, NETTY }

    private record Known(AsciiString name, Kind kind) {}

    private static final int MASK = 127;
    private static final Known[] TABLE = new Known[MASK + 1];

    static {
        List<AsciiString> pass = List.of(HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.DATE,
                HttpHeaderNames.SERVER, HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.ETAG, HttpHeaderNames.LAST_MODIFIED,
                HttpHeaderNames.EXPIRES, HttpHeaderNames.VARY, HttpHeaderNames.SET_COOKIE, HttpHeaderNames.LOCATION,
                HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.CONTENT_LANGUAGE, HttpHeaderNames.CONTENT_RANGE,
                HttpHeaderNames.CONTENT_DISPOSITION, HttpHeaderNames.ACCEPT_RANGES, HttpHeaderNames.AGE, HttpHeaderNames.VIA,
                HttpHeaderNames.ALT_SVC, HttpHeaderNames.RETRY_AFTER, HttpHeaderNames.WWW_AUTHENTICATE, HttpHeaderNames.PRAGMA,
                HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HttpHeaderNames.CONTENT_SECURITY_POLICY, HttpHeaderNames.X_FRAME_OPTIONS, HttpHeaderNames.TRAILER,
                HttpHeaderNames.ALLOW, AsciiString.cached("strict-transport-security"), AsciiString.cached("x-content-type-options"),
                HttpServerInitializer.SERVER_TIMING, HttpServerInitializer.TRACEPARENT, AsciiString.cached("link"));
        // Netty's HTTP_TO_HTTP2_HEADER_BLACKLIST: connection-specific, or its own conversion headers.
        List<AsciiString> drop = List.of(HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"),
                HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST, HttpHeaderNames.UPGRADE,
                HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(), HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
                HttpConversionUtil.ExtensionHeaderNames.PATH.text());
        List<AsciiString> netty = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.TE, HttpHeaderNames.COOKIE);
        pass.forEach(n -> put(n, Kind.PASS));
        drop.forEach(n -> put(n, Kind.DROP));
        netty.forEach(n -> put(n, Kind.NETTY));
    }

    private static void put(AsciiString name, Kind kind) {
        int i = name.hashCode() & MASK;
        while (TABLE[i] != null) {
            i = (i + 1) & MASK;
        }
        TABLE[i] = new Known(name, kind);
    }

    /** The table's entry for a name in any case, or null. */
    private static Known known(CharSequence name) {
        for (int i = AsciiString.hashCode(name) & MASK; TABLE[i] != null; i = (i + 1) & MASK) {
            if (TABLE[i].name.contentEqualsIgnoreCase(name)) {
                return TABLE[i];
            }
        }
        return null;
    }

    private Http2ResponseHeaders() {}

    /** The response's status and header fields as HTTP/2 header fields. */
    static Http2Headers of(HttpResponse response) {
        HttpHeaders in = response.headers();
        Http2Headers out = new DefaultHttp2Headers(false, in.size() + 1);
        out.status(response.status().codeAsText());
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = in.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            CharSequence name = field.getKey();
            Known known = known(name);
            if (known == null) {
                out.add(AsciiString.of(name).toLowerCase(), field.getValue());
            } else if (known.kind == Kind.PASS) {
                out.add(known.name, field.getValue());
            } else if (known.kind == Kind.NETTY) {
                return HttpConversionUtil.toHttp2Headers(response, false);
            }
        }
        return out;
    }
}
