package dev.roundtrip.http.client;

import java.time.Duration;

/**
 * How one {@link Http1ConnectionPool} treats its upstream.
 *
 * @param maxConnections connections open or opening at once (per pool: one pool per event loop and endpoint)
 * @param maxPending requests that may wait for a connection when all are busy; more fail with
 *     {@link UpstreamFailure.Kind#POOL_FULL}
 * @param connectTimeout TCP connect timeout
 * @param idleTimeout an idle pooled connection older than this is closed (keep it below the
 *     upstream's own keep-alive timeout to make the stale keep-alive race rare)
 * @param maxResponseBytes largest response a caller buffers whole (the answer to a WebSocket
 *     upgrade); proxied responses stream through the pool and have no size limit
 */
public record PoolSettings(int maxConnections, int maxPending, Duration connectTimeout, Duration idleTimeout, int maxResponseBytes) {

    public static final PoolSettings DEFAULTS =
            new PoolSettings(1024, 1024, Duration.ofSeconds(2), Duration.ofSeconds(30), 64 * 1024 * 1024);

    public PoolSettings {
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " must be positive");
        }
        if (maxPending < 0) {
            throw new IllegalArgumentException("maxPending: " + maxPending + " must be 0 or more");
        }
        if (connectTimeout.toMillis() <= 0 || idleTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("connectTimeout and idleTimeout must be positive");
        }
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes: " + maxResponseBytes + " must be positive");
        }
    }
}
