package dev.roundtrip.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Turns the header fields of an HTTP/2 request into an HTTP/1.1 request head, as Netty's
 * {@link HttpConversionUtil#toHttpRequest(int, Http2Headers, boolean)} does (Host from
 * {@code :authority}, a conflicting Host refused, Cookie crumbs joined, Transfer-Encoding, Trailer
 * and Connection left out), except that it does not add Netty's conversion fields
 * ({@code x-http2-scheme}, {@code x-http2-path}, {@code x-http2-stream-id}): nothing here reads
 * them, and a proxy would only have to remove them again, as it removes any a client sent.
 *
 * <p>The fields are not validated: the HTTP/2 decoder has checked every name (lower case, no
 * connection-specific field) and value.
 */
final class Http2RequestHead {
    private static final HttpHeadersFactory UNVALIDATED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final AsciiString AUTHORITY = Http2Headers.PseudoHeaderName.AUTHORITY.value();
    private static final HttpConversionUtil.ExtensionHeaderNames[] CONVERSION_FIELDS = HttpConversionUtil.ExtensionHeaderNames.values();

    private Http2RequestHead() {}

    /** The request line and fields of stream {@code streamId}'s request; a stream error for a malformed one. */
    static HttpRequest of(int streamId, Http2Headers in) throws Http2Exception {
        CharSequence method = in.method();
        if (method == null) {
            throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "no :method");
        }
        boolean connect = HttpMethod.CONNECT.asciiName().contentEquals(method);
        CharSequence target = connect ? in.authority() : in.path();
        if (target == null) {
            throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, connect ? "CONNECT without :authority" : "no :path");
        }
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.toString()), target.toString(),
                UNVALIDATED);
        HttpHeaders out = request.headers();
        boolean host = false;
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> field : in) {
            CharSequence name = field.getKey();
            CharSequence value = field.getValue();
            if (name.isEmpty() || name.charAt(0) == ':') {
                if (AUTHORITY.contentEquals(name)) {
                    host = true;
                    out.add(HttpHeaderNames.HOST, AsciiString.of(value));
                } else if (!Http2Headers.PseudoHeaderName.isPseudoHeader(name)) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "invalid HTTP/2 field '%s'", name);
                }
                continue; // :method, :path, :scheme, :protocol: in the request line, or meaningless in HTTP/1.1
            }
            if (HttpHeaderNames.COOKIE.contentEquals(name)) {
                cookies = cookies == null ? new StringBuilder(value.length() + 32) : cookies.append("; ");
                cookies.append(value);
            } else if (HttpHeaderNames.HOST.contentEquals(name)) {
                if (!host) {
                    host = true;
                    out.add(name, value);
                } else if (!AsciiString.contentEqualsIgnoreCase(out.get(HttpHeaderNames.HOST), value)) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "conflicting :authority and host fields");
                }
            } else if (!leftOut(name)) {
                out.add(name, value);
            }
        }
        if (cookies != null) {
            out.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        return request;
    }

    /** Netty's conversion fields (x-http2-...), and the fields whose meaning is HTTP/1.1 framing or this hop's. */
    private static boolean leftOut(CharSequence name) {
        return switch (name.charAt(0)) {
            case 'x' -> isConversionField(name);
            case 't' -> HttpHeaderNames.TRANSFER_ENCODING.contentEquals(name) || HttpHeaderNames.TRAILER.contentEquals(name);
            case 'c' -> HttpHeaderNames.CONNECTION.contentEquals(name);
            default -> false;
        };
    }

    private static boolean isConversionField(CharSequence name) {
        for (HttpConversionUtil.ExtensionHeaderNames conversion : CONVERSION_FIELDS) {
            if (conversion.text().contentEquals(name)) {
                return true;
            }
        }
        return false;
    }
}
