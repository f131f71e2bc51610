package dev.roundtrip.http.client;

/**
 * The body of one upstream response while it streams in: what a receiver that cannot keep up (its
 * own client reads slowly) or went away does to the upstream connection. Call on the pool's
 * event loop only.
 */
public interface UpstreamResponse {

    /** Stops reading from the upstream (TCP or HTTP/2 flow control then slows the sender down). */
    void pause();

    /** Reads again after {@link #pause()}. */
    void resume();

    /**
     * Abandons the rest of the body: the listener hears nothing more, and the connection (HTTP/1.1)
     * or stream (HTTP/2) is closed rather than reused, since the unread rest would be in its way.
     */
    void abort();
}
