package dev.roundtrip.edge.proxy;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.admin.EdgeMetrics;
import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.route.Router;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every {@link ProxyHandler} of one listener shares: its routes, the clusters, the upstream
 * pools, metrics, the access log switch, the clock, and the count of requests in flight (for a
 * graceful stop).
 */
public record ListenerContext(String listener, Router router, Map<String, Cluster> clusters, UpstreamPools pools,
        EdgeMetrics metrics, AccessLog accessLog, MonotonicClock clock, AtomicInteger inFlight) {}
