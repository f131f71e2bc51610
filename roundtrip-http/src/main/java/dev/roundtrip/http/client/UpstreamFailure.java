package dev.roundtrip.http.client;

/**
 * Why one request to an upstream failed, in terms a retry decision can use: whether the request
 * left this process, and whether any byte of a response came back.
 *
 * @param kind what happened
 * @param detail a short human-readable cause, e.g. "connection refused"
 */
public record UpstreamFailure(Kind kind, String detail) {

    /** The ways an upstream exchange fails. */
    public enum Kind {
        /** Nothing listens there (RST to SYN), or the address is unreachable. */
        CONNECT_REFUSED(false, false),
        /** The TCP handshake did not finish within the connect timeout. */
        CONNECT_TIMEOUT(false, false),
        /** Every connection is busy and the wait queue is full. */
        POOL_FULL(false, false),
        /**
         * The upstream refused the HTTP/2 stream (RST_STREAM REFUSED_STREAM, or a stream above the
         * last stream id of its GOAWAY): it did not process the request (RFC 9113 section 8.7).
         */
        STREAM_REFUSED(false, false),
        /** The connection was reset or closed after the request was (maybe) sent, before any response byte. */
        CLOSED_BEFORE_RESPONSE(true, false),
        /** No response head within the response timeout, or the body stalled that long. */
        RESPONSE_TIMEOUT(true, true),
        /** The connection broke in the middle of a response. */
        CLOSED_DURING_RESPONSE(true, true),
        /** The response was not valid HTTP/1.1. */
        PROTOCOL_ERROR(true, true);

        private final boolean requestMayHaveBeenSent;
        private final boolean responseStarted;

        Kind(boolean requestMayHaveBeenSent, boolean responseStarted) {
            this.requestMayHaveBeenSent = requestMayHaveBeenSent;
            this.responseStarted = responseStarted;
        }

        /** False when the upstream certainly never saw the request: any method may be retried. */
        public boolean requestMayHaveBeenSent() {
            return requestMayHaveBeenSent;
        }

        /** True when response bytes may have arrived (a retry could duplicate side effects the client saw). */
        public boolean responseStarted() {
            return responseStarted;
        }
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
