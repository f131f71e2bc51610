package dev.roundtrip.app.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the API sees it, copied off the Netty buffers on the event loop so the
 * virtual thread that serves it holds no reference-counted memory.
 *
 * @param method the request method, upper case as sent
 * @param path the decoded path, e.g. "/users/42"
 * @param query decoded query parameters
 * @param headers the headers the API reads, names in lower case (content-type, if-match,
 *     if-none-match, traceparent)
 * @param body the request body, empty when there is none
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {
    public ApiRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The header's value, if the request carried it. */
    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }

    /**
     * The single value of a query parameter.
     *
     * @throws ApiException (400) when the parameter is repeated
     */
    public Optional<String> queryParameter(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "query parameter '" + name + "' is given " + values.size() + " times");
        }
        return Optional.of(values.getFirst());
    }

    public boolean isHead() {
        return method.equals("HEAD");
    }
}
