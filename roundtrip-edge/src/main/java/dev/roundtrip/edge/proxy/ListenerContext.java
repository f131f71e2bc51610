package dev.roundtrip.edge.proxy;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.admin.EdgeMetrics;
import dev.roundtrip.edge.route.RouteTable;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every {@link ProxyHandler} of one listener shares: the current {@link RouteTable} (swapped
 * whole by a reload; a request reads it once), the upstream pools, metrics, the access log switch,
 * the clock, and the count of requests in flight (for a graceful stop). Thread-safe.
 */
public final class ListenerContext {
    private final String listener;
    private final UpstreamPools pools;
    private final EdgeMetrics metrics;
    private final AccessLog accessLog;
    private final MonotonicClock clock;
    private final AtomicInteger inFlight;
    private volatile RouteTable routes;

    public ListenerContext(String listener, RouteTable routes, UpstreamPools pools, EdgeMetrics metrics, AccessLog accessLog,
            MonotonicClock clock, AtomicInteger inFlight) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.pools = pools;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.clock = clock;
        this.inFlight = inFlight;
    }

    /** The routes and clusters for a request starting now; read once per request. */
    public RouteTable routes() {
        return routes;
    }

    /** Makes {@code next} the table of every request that starts from now on (requests in flight keep theirs). */
    public void routes(RouteTable next) {
        routes = Objects.requireNonNull(next, "next");
    }

    public String listener() {
        return listener;
    }

    public UpstreamPools pools() {
        return pools;
    }

    public EdgeMetrics metrics() {
        return metrics;
    }

    public AccessLog accessLog() {
        return accessLog;
    }

    public MonotonicClock clock() {
        return clock;
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }
}
