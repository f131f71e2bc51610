package dev.roundtrip.edge.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code dev.roundtrip.edge.access}, written when the response
 * body ended: client, method, target, protocol, status, response body bytes, time in the balancer
 * until the response head went out (lb_ms, as in Server-Timing) and until the body ended
 * (total_ms), upstream endpoint and time to its head, retries, cluster, trace id. Off when the configuration says so (the line costs a few microseconds).
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("dev.roundtrip.edge.access");

    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled && log.isInfoEnabled();
    }

    /** One finished request. */
    public record Entry(String client, String method, String target, String protocol, int status, long bytes,
            long lbNanos, long totalNanos, String upstream, long upstreamNanos, int retries, String cluster, String traceparent) {}

    public boolean enabled() {
        return enabled;
    }

    public void log(Entry e) {
        if (!enabled) {
            return;
        }
        log.info("{} \"{} {} {}\" {} {} lb_ms={} total_ms={} upstream={} upstream_ms={} retries={} cluster={} traceparent={}",
                e.client(), e.method(), e.target(), e.protocol(), e.status(), e.bytes(), millis(e.lbNanos()), millis(e.totalNanos()),
                e.upstream().isEmpty() ? "-" : e.upstream(), e.upstreamNanos() < 0 ? "-" : millis(e.upstreamNanos()),
                e.retries(), e.cluster().isEmpty() ? "-" : e.cluster(), e.traceparent().isEmpty() ? "-" : e.traceparent());
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
