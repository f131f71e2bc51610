package dev.roundtrip.http.client;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Connections from one event loop to one upstream endpoint, over which requests are sent and
 * their responses streamed back ({@link Http1ConnectionPool}: one exchange per connection at a
 * time; {@link Http2ConnectionPool}: many streams per connection). Every method must be called on
 * the pool's event loop, except the gauges, which may lag.
 */
public interface UpstreamPool {

    /**
     * Sends {@code request} (the pool takes ownership) and tells {@code listener} how it goes. A
     * response timeout of 0 means none.
     */
    void send(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener listener);

    /** Connections with nothing in flight now. */
    int idleConnections();

    /** Connections open or opening now (idle ones included). */
    int openConnections();

    /** Connections opened since the pool was made. */
    long connectionsCreated();

    /** Closes idle connections and fails waiting requests; busy connections finish, then close. */
    void close();
}
