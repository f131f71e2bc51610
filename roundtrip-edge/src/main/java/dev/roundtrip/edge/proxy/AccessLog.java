package dev.roundtrip.edge.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code dev.roundtrip.edge.access}: client, method, target,
 * protocol, status, response bytes, time in the balancer, upstream endpoint and time, retries,
 * cluster, trace id. Off when the configuration says so (the line costs a few microseconds).
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("dev.roundtrip.edge.access");

    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled && log.isInfoEnabled();
    }

    /** One finished request. */
    public record Entry(String client, String method, String target, String protocol, int status, long bytes,
            long lbNanos, String upstream, long upstreamNanos, int retries, String cluster, String traceparent) {}

    public boolean enabled() {
        return enabled;
    }

    public void log(Entry e) {
        if (!enabled) {
            return;
        }
        log.info("{} \"{} {} {}\" {} {} lb_ms={} upstream={} upstream_ms={} retries={} cluster={} traceparent={}",
                e.client(), e.method(), e.target(), e.protocol(), e.status(), e.bytes(), millis(e.lbNanos()),
                e.upstream().isEmpty() ? "-" : e.upstream(), e.upstreamNanos() < 0 ? "-" : millis(e.upstreamNanos()),
                e.retries(), e.cluster().isEmpty() ? "-" : e.cluster(), e.traceparent().isEmpty() ? "-" : e.traceparent());
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
