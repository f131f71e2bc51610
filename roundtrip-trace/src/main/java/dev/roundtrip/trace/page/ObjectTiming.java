package dev.roundtrip.trace.page;

/**
 * One object of a loaded page; every time is in nanoseconds since the page's first request was
 * issued, -1 where it did not happen.
 *
 * @param index the object's number
 * @param connection the connection that carried it
 * @param queuedNanos when it was handed to its connection
 * @param sentNanos when its request started to leave
 * @param firstByteNanos when the first byte of its response arrived
 * @param endNanos when its exchange ended (last byte, or failure)
 * @param status the HTTP status, -1 without a response
 * @param bytes body bytes received
 * @param failure why it failed, null when it arrived whole
 */
public record ObjectTiming(int index, int connection, long queuedNanos, long sentNanos, long firstByteNanos, long endNanos,
                           int status, long bytes, String failure) {
    public boolean ok() {
        return failure == null;
    }
}
