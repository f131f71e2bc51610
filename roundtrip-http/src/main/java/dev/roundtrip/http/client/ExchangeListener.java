package dev.roundtrip.http.client;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Told what happens to one request sent through an upstream pool, as it happens: the response is
 * streamed, head first, then its body piece by piece. Called on the pool's event loop, in this
 * order:
 * <ul>
 *   <li>{@link #connectionAcquired} (not when the request never got a connection),
 *   <li>then either {@link #failed} (nothing of a response was delivered: a retry is possible), or
 *       {@link #responseHead} followed by {@link #responseContent} calls that end with a
 *       {@link LastHttpContent}, or end early with one {@link #failed} whose kind says the response
 *       had started.
 * </ul>
 * Implementations must be quick and must not throw.
 */
public interface ExchangeListener {

    /** A connection was taken for the request: {@code reused} when it came from the idle pool. */
    default void connectionAcquired(boolean reused, long connectNanos) {}

    /** The first byte of the response arrived. */
    default void responseStarted() {}

    /**
     * The final (non-1xx) response head. Its framing headers are the upstream's; the body follows.
     *
     * @param body pauses, resumes or abandons the reading of the body (backpressure)
     */
    void responseHead(HttpResponse head, UpstreamResponse body);

    /** The next piece of the body, the listener owns it; a {@link LastHttpContent} is the end of the response. */
    void responseContent(HttpContent content);

    /** The upstream read batch that delivered content ended: a good moment to flush what was written on. */
    default void responseReadComplete() {}

    /** The exchange failed; see {@link UpstreamFailure.Kind} for what may be retried. */
    void failed(UpstreamFailure failure);
}
