package dev.roundtrip.app.api;

/**
 * Every error the {@code /users} API answers with: the HTTP status and the stable {@code code}
 * clients can switch on. The body is always {@code {"error":{"code":..,"message":..}}}.
 */
public enum ErrorCode {
    MALFORMED_REQUEST(400, "malformed_request"),
    INVALID_JSON(400, "invalid_json"),
    INVALID_FIELD(400, "invalid_field"),
    INVALID_QUERY(400, "invalid_query"),
    INVALID_HEADER(400, "invalid_header"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    DUPLICATE_EMAIL(409, "duplicate_email"),
    PRECONDITION_FAILED(412, "precondition_failed"),
    BODY_TOO_LARGE(413, "body_too_large"),
    URI_TOO_LONG(414, "uri_too_long"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    PRECONDITION_REQUIRED(428, "precondition_required"),
    HEADERS_TOO_LARGE(431, "headers_too_large"),
    INTERNAL(500, "internal_error"),
    OVERLOADED(503, "overloaded"),
    DATABASE_UNAVAILABLE(503, "database_unavailable");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
