package dev.roundtrip.trace.client;

import dev.roundtrip.trace.Header;
import java.util.List;

/**
 * What one exchange on a connection produced, beyond the timeline: the headers as they travelled,
 * for HAR and for the user.
 *
 * @param protocol "HTTP/1.1", "HTTP/1.0" or "h2"
 * @param status the final status code
 * @param reason the HTTP/1.x reason phrase, empty for HTTP/2
 * @param requestHeaders the request headers as sent (HTTP/2 pseudo-headers included)
 * @param responseHeaders the final response's headers, in arrival order (no pseudo-headers)
 * @param requestBytes bytes of the request on the connection (after HTTP framing, before TLS)
 * @param bodyBytes bytes of the response body
 * @param bodySha256 the SHA-256 of the body, lower-case hex (compare bodies across protocols without keeping them)
 */
public record Response(String protocol, int status, String reason, List<Header> requestHeaders,
                       List<Header> responseHeaders, long requestBytes, long bodyBytes, String bodySha256) {
    public Response {
        requestHeaders = List.copyOf(requestHeaders);
        responseHeaders = List.copyOf(responseHeaders);
    }
}
