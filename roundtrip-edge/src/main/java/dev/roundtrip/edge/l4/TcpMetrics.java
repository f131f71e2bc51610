package dev.roundtrip.edge.l4;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connection-level counters of one TCP-mode listener, per listener and per endpoint of its cluster:
 * connections open and total, bytes each way, connect failures, upstream resets. Lock-free
 * (LongAdder), written from every event loop; rendered in the Prometheus text format next to the
 * balancer's request metrics.
 */
public final class TcpMetrics {

    /** The counters of one endpoint behind this listener. */
    static final class EndpointCounters {
        final Endpoint endpoint;
        final LongAdder open = new LongAdder();
        final LongAdder total = new LongAdder();
        final LongAdder bytesFromClients = new LongAdder();
        final LongAdder bytesToClients = new LongAdder();
        final LongAdder connectFailures = new LongAdder();
        final LongAdder upstreamResets = new LongAdder();

        EndpointCounters(Endpoint endpoint) {
            this.endpoint = endpoint;
        }
    }

    private final String listener;
    private final List<EndpointCounters> endpoints;
    final LongAdder open = new LongAdder();
    final LongAdder total = new LongAdder();
    final LongAdder noEndpoint = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();

    TcpMetrics(String listener, List<Endpoint> endpoints) {
        this.listener = listener;
        this.endpoints = endpoints.stream().map(EndpointCounters::new).toList();
    }

    /** The counters of {@code e} (an endpoint of this listener's cluster). */
    EndpointCounters of(Endpoint e) {
        for (EndpointCounters c : endpoints) {
            if (c.endpoint == e) {
                return c;
            }
        }
        throw new IllegalArgumentException(e + " is not behind listener " + listener);
    }

    /** Client connections open now. */
    public long openConnections() {
        return open.sum();
    }

    /** Client connections accepted so far. */
    public long totalConnections() {
        return total.sum();
    }

    /** Failed upstream connects (refused or timed out) so far, over all endpoints. */
    public long connectFailures() {
        return endpoints.stream().mapToLong(c -> c.connectFailures.sum()).sum();
    }

    /** Upstream connections that ended with an error (a reset) rather than a close, over all endpoints. */
    public long upstreamResets() {
        return endpoints.stream().mapToLong(c -> c.upstreamResets.sum()).sum();
    }

    /** Upstream connections to {@code e} open now. */
    public long openConnections(Endpoint e) {
        return of(e).open.sum();
    }

    /** Upstream connections made to {@code e} so far. */
    public long totalConnections(Endpoint e) {
        return of(e).total.sum();
    }

    /** Appends the series of every listener, each metric's HELP and TYPE once. */
    public static void render(List<TcpMetrics> all, StringBuilder out) {
        if (all.isEmpty()) {
            return;
        }
        header(out, "roundtrip_lb_tcp_connections_open", "gauge", "Client connections open on a tcp listener.");
        all.forEach(m -> out.append("roundtrip_lb_tcp_connections_open{listener=\"").append(m.listener).append("\"} ").append(m.open.sum()).append('\n'));
        header(out, "roundtrip_lb_tcp_connections_total", "counter", "Client connections accepted by a tcp listener.");
        all.forEach(m -> out.append("roundtrip_lb_tcp_connections_total{listener=\"").append(m.listener).append("\"} ").append(m.total.sum()).append('\n'));
        header(out, "roundtrip_lb_tcp_no_endpoint_total", "counter", "Client connections closed because no endpoint could be connected.");
        all.forEach(m -> out.append("roundtrip_lb_tcp_no_endpoint_total{listener=\"").append(m.listener).append("\"} ").append(m.noEndpoint.sum()).append('\n'));
        header(out, "roundtrip_lb_tcp_idle_timeouts_total", "counter", "Connections closed after idle_timeout without a byte either way.");
        all.forEach(m -> out.append("roundtrip_lb_tcp_idle_timeouts_total{listener=\"").append(m.listener).append("\"} ").append(m.idleTimeouts.sum()).append('\n'));
        endpointSeries(all, out, "roundtrip_lb_tcp_upstream_connections_open", "gauge", "Relayed connections open to the endpoint.", c -> c.open);
        endpointSeries(all, out, "roundtrip_lb_tcp_upstream_connections_total", "counter", "Relayed connections made to the endpoint.", c -> c.total);
        endpointSeries(all, out, "roundtrip_lb_tcp_received_bytes_total", "counter", "Bytes read from clients and relayed to the endpoint.",
                c -> c.bytesFromClients);
        endpointSeries(all, out, "roundtrip_lb_tcp_sent_bytes_total", "counter", "Bytes read from the endpoint and relayed to clients.",
                c -> c.bytesToClients);
        endpointSeries(all, out, "roundtrip_lb_tcp_connect_failures_total", "counter", "Upstream connects refused or timed out.",
                c -> c.connectFailures);
        endpointSeries(all, out, "roundtrip_lb_tcp_upstream_resets_total", "counter",
                "Relayed connections the endpoint broke (reset or error); the client's connection is reset too.", c -> c.upstreamResets);
    }

    private static void endpointSeries(List<TcpMetrics> all, StringBuilder out, String metric, String type, String help,
            java.util.function.Function<EndpointCounters, LongAdder> value) {
        header(out, metric, type, help);
        for (TcpMetrics m : all) {
            for (EndpointCounters c : m.endpoints) {
                out.append(metric).append("{listener=\"").append(m.listener).append("\",cluster=\"").append(c.endpoint.cluster())
                        .append("\",endpoint=\"").append(c.endpoint.label()).append("\"} ").append(value.apply(c).sum()).append('\n');
            }
        }
    }

    private static void header(StringBuilder out, String metric, String type, String help) {
        out.append("# HELP ").append(metric).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
    }
}
