package dev.roundtrip.http.client;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Told what happens to one request sent through an {@link Http1ConnectionPool}. Called on the
 * pool's event loop; exactly one of {@link #responseReceived} or {@link #failed} is called, once.
 * Implementations must be quick and must not throw.
 */
public interface ExchangeListener {

    /** A connection was taken for the request: {@code reused} when it came from the idle pool. */
    default void connectionAcquired(boolean reused, long connectNanos) {}

    /** The first byte of the response arrived. */
    default void responseStarted() {}

    /** The complete response; the listener owns it and must release it. */
    void responseReceived(FullHttpResponse response);

    /** The exchange failed; see {@link UpstreamFailure.Kind} for what may be retried. */
    void failed(UpstreamFailure failure);
}
