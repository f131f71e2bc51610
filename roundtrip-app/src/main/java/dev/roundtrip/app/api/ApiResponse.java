package dev.roundtrip.app.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the API answers, before the transport adds the headers every response carries
 * ({@code X-Served-By}, {@code Server-Timing}, {@code traceresponse}).
 *
 * @param status the HTTP status code
 * @param headers response headers, in order
 * @param body the body bytes (JSON), empty for 204 and 304
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json";

    public ApiResponse {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A JSON response. */
    public static ApiResponse json(int status, byte[] body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", JSON);
        h.putAll(headers);
        return new ApiResponse(status, h, body);
    }

    /** A response without a body. */
    public static ApiResponse empty(int status, Map<String, String> headers) {
        return new ApiResponse(status, headers, new byte[0]);
    }
}
