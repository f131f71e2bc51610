package dev.roundtrip.app.api;

import java.util.Map;

/**
 * A request the API refuses, with the error to answer; thrown by the request steps and turned
 * into a JSON error response in one place ({@link UsersApi#handle}).
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, String> headers;

    public ApiException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    /** With extra response headers, e.g. {@code Allow} on a 405. */
    public ApiException(ErrorCode code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
