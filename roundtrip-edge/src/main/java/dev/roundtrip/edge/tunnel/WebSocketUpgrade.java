package dev.roundtrip.edge.tunnel;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The pure decisions of a WebSocket opening handshake as a proxy sees them: is this request an
 * upgrade (RFC 6455 section 4.1 over HTTP/1.1, RFC 8441 section 4 over HTTP/2), what HTTP/1.1
 * upgrade request an extended CONNECT becomes on the way to the backend, and does the backend's
 * {@code Sec-WebSocket-Accept} answer the key that was sent (section 4.2.2).
 */
public final class WebSocketUpgrade {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketUpgrade() {}

    /** A GET whose {@code Upgrade} names websocket and whose {@code Connection} names upgrade. */
    public static boolean isUpgrade(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && hasToken(request.headers(), HttpHeaderNames.UPGRADE, "websocket")
                && hasToken(request.headers(), HttpHeaderNames.CONNECTION, "upgrade");
    }

    /** An HTTP/2 CONNECT with {@code :protocol} (RFC 8441 section 4); any protocol, the caller checks which. */
    public static boolean isExtendedConnect(Http2Headers headers) {
        return HttpMethod.CONNECT.asciiName().contentEquals(headers.method())
                && headers.get(Http2Headers.PseudoHeaderName.PROTOCOL.value()) != null;
    }

    /** Whether the extended CONNECT asks for websocket. */
    public static boolean isWebSocketProtocol(Http2Headers headers) {
        CharSequence p = headers.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        return p != null && AsciiString.contentEqualsIgnoreCase(p, "websocket");
    }

    private static boolean hasToken(HttpHeaders headers, CharSequence name, String token) {
        for (String value : headers.getAll(name)) {
            for (String t : value.split(",")) {
                if (t.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The HTTP/1.1 upgrade request for the backend of an extended CONNECT: GET {@code :path}, Host
     * from {@code :authority}, the regular headers as they came, and the handshake headers an
     * HTTP/1.1 client sends (a fresh {@code Sec-WebSocket-Key}, which {@link #accept} checks later).
     */
    public static FullHttpRequest fromExtendedConnect(Http2Headers h2, String key) {
        CharSequence path = h2.path();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                path == null || path.isEmpty() ? "/" : path.toString(), Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = request.headers();
        for (Map.Entry<CharSequence, CharSequence> e : h2) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) != ':') {
                headers.add(name, e.getValue());
            }
        }
        if (h2.authority() != null) {
            headers.set(HttpHeaderNames.HOST, h2.authority());
        }
        setUpgradeHeaders(headers);
        headers.set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key);
        if (!headers.contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION)) {
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        return request;
    }

    /** Puts back the two hop-by-hop headers an HTTP/1.1 upgrade needs (the proxy removed them with the others). */
    public static void setUpgradeHeaders(HttpHeaders headers) {
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    /** A new random {@code Sec-WebSocket-Key}: 16 bytes, base64. */
    public static String newKey() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    public static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}
