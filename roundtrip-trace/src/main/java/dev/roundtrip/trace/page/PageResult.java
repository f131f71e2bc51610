package dev.roundtrip.trace.page;

import dev.roundtrip.trace.HttpVersion;
import java.util.List;

/**
 * One page load over one protocol.
 *
 * @param http the protocol asked for
 * @param protocol the protocol spoken ("HTTP/1.1", "h2", "h3"; empty when no connection opened)
 * @param connections how many connections carried the page
 * @param page what was loaded
 * @param connectNanos opening every connection (TCP + TLS, or QUIC), before the first request
 * @param pageNanos first request to the last byte of the last object; -1 when the page did not complete
 * @param objects the objects that ended, in object order
 * @param failure why the page did not complete, null when it did
 */
public record PageResult(HttpVersion http, String protocol, int connections, Page page, long connectNanos, long pageNanos,
                         List<ObjectTiming> objects, String failure) {
    public PageResult {
        objects = List.copyOf(objects);
    }

    static PageResult failed(HttpVersion http, int connections, Page page, String failure) {
        return new PageResult(http, "", connections, page, -1, -1, List.of(), failure);
    }

    public boolean complete() {
        return failure == null;
    }
}
