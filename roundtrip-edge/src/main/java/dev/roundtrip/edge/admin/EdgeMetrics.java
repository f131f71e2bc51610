package dev.roundtrip.edge.admin;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The balancer's request counters and latency histograms, rendered in the Prometheus text format
 * (version 0.0.4). Recording is lock-free (LongAdder per series) and safe from every event loop;
 * gauges of pools, health and connections are rendered by the caller from live state.
 */
public final class EdgeMetrics {
    /** Histogram bucket bounds in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** Hashed and compared by hand: the methods a record generates showed up in profiles of the request path. */
    private record RequestKey(String listener, String protocol, String route, String cluster, int code) {
        @Override
        public int hashCode() {
            return (((listener.hashCode() * 31 + protocol.hashCode()) * 31 + route.hashCode()) * 31 + cluster.hashCode()) * 31 + code;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestKey k && code == k.code && listener.equals(k.listener) && protocol.equals(k.protocol)
                    && route.equals(k.route) && cluster.equals(k.cluster);
        }
    }

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    private final ConcurrentHashMap<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> responseBytes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> resets = new ConcurrentHashMap<>();

    /**
     * One request answered, on a downstream connection speaking {@code protocol}.
     *
     * @param protocol "h1", "h2" or "h3"
     * @param route the route it matched ({@link dev.roundtrip.edge.config.RouteConfig#label()}), or "" when none
     * @param cluster the cluster it was routed to, or "" when none (404, 400)
     * @param durationNanos time inside the balancer, from request received to response head written
     */
    public void request(String listener, String protocol, String route, String cluster, int code, long durationNanos) {
        series(requests, new RequestKey(listener, protocol, route, cluster, code), LongAdder::new).increment();
        series(latency, cluster, Histogram::new).observe(durationNanos / 1e9);
    }

    /** A proxied response of {@code cluster} ended (completely or not) after {@code bodyBytes} body bytes went downstream. */
    public void responseBody(String cluster, long bodyBytes) {
        series(responseBytes, cluster, LongAdder::new).add(bodyBytes);
    }

    /**
     * A response of {@code cluster} failed upstream after its head went downstream: the downstream
     * stream was reset (HTTP/2, HTTP/3) or the connection closed (HTTP/1.1).
     */
    public void responseReset(String cluster) {
        series(resets, cluster, LongAdder::new).increment();
    }

    /**
     * The series of {@code key}, made on its first use. A lock-free get first: computeIfAbsent
     * locks the key's bin whenever the key is not the first in it, on every request.
     */
    private static <K, V> V series(ConcurrentHashMap<K, V> map, K key, java.util.function.Supplier<V> make) {
        V v = map.get(key);
        return v != null ? v : map.computeIfAbsent(key, k -> make.get());
    }

    /** Responses reset downstream, all clusters. */
    public long responseResets() {
        return resets.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Requests answered with {@code code} over {@code protocol} ("h1", "h2", "h3") on any listener and cluster. */
    public long requests(String protocol, int code) {
        return requests.entrySet().stream().filter(e -> e.getKey().code() == code && e.getKey().protocol().equals(protocol))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** Requests answered with {@code code} on any listener and cluster. */
    public long requests(int code) {
        return requests.entrySet().stream().filter(e -> e.getKey().code() == code).mapToLong(e -> e.getValue().sum()).sum();
    }

    /** Appends the counters and histograms. */
    public void render(StringBuilder out) {
        out.append("# HELP roundtrip_lb_requests_total Requests answered, by listener, protocol (h1, h2, h3), route, cluster and status code.\n");
        out.append("# TYPE roundtrip_lb_requests_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put("{listener=\"" + k.listener() + "\",protocol=\"" + k.protocol() + "\",route=\"" + escape(k.route()) + "\",cluster=\""
                + k.cluster() + "\",code=\"" + k.code() + "\"}", v.sum()));
        sorted.forEach((labels, v) -> out.append("roundtrip_lb_requests_total").append(labels).append(' ').append(v).append('\n'));
        out.append("# HELP roundtrip_lb_response_body_bytes_total Response body bytes sent downstream, by cluster.\n");
        out.append("# TYPE roundtrip_lb_response_body_bytes_total counter\n");
        new TreeMap<>(responseBytes).forEach((cluster, v) -> out.append("roundtrip_lb_response_body_bytes_total{cluster=\"")
                .append(escape(cluster)).append("\"} ").append(v.sum()).append('\n'));
        out.append("# HELP roundtrip_lb_responses_reset_total Responses cut off downstream because the upstream failed after the head was sent, by cluster.\n");
        out.append("# TYPE roundtrip_lb_responses_reset_total counter\n");
        new TreeMap<>(resets).forEach((cluster, v) -> out.append("roundtrip_lb_responses_reset_total{cluster=\"")
                .append(escape(cluster)).append("\"} ").append(v.sum()).append('\n'));
        out.append("# HELP roundtrip_lb_request_duration_seconds Time inside the balancer per request until the response head went downstream, upstream connect and wait included.\n");
        out.append("# TYPE roundtrip_lb_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((cluster, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                out.append("roundtrip_lb_request_duration_seconds_bucket{cluster=\"").append(cluster).append("\",le=\"")
                        .append(format(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
            }
            long count = h.count.sum();
            out.append("roundtrip_lb_request_duration_seconds_bucket{cluster=\"").append(cluster).append("\",le=\"+Inf\"} ").append(count).append('\n');
            out.append("roundtrip_lb_request_duration_seconds_sum{cluster=\"").append(cluster).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.6f", h.sum.sum())).append('\n');
            out.append("roundtrip_lb_request_duration_seconds_count{cluster=\"").append(cluster).append("\"} ").append(count).append('\n');
        });
    }

    /** Escapes a label value (Prometheus text format: backslash, quote, newline). */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
