package dev.roundtrip.edge;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.admin.AdminHandler;
import dev.roundtrip.edge.admin.EdgeMetrics;
import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.config.ClusterConfig;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.TlsConfig;
import dev.roundtrip.edge.h3.Http3Listener;
import dev.roundtrip.edge.health.HealthChecker;
import dev.roundtrip.edge.proxy.AccessLog;
import dev.roundtrip.edge.proxy.ListenerContext;
import dev.roundtrip.edge.proxy.ProxyHandler;
import dev.roundtrip.edge.proxy.UpstreamPools;
import dev.roundtrip.edge.route.Router;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.HttpServer;
import dev.roundtrip.http.HttpServerInitializer;
import dev.roundtrip.http.Transport;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The article's "load balancer" hop: terminates TCP and TLS (h2 or http/1.1 by ALPN, h2c in
 * cleartext) on each listener, routes each request to a cluster, and proxies it over pooled
 * keep-alive connections to an endpoint picked by the cluster's policy, retrying on another
 * endpoint when an upstream fails before answering so the client does not see it. A TLS listener
 * with {@code http3} also serves HTTP/3 over QUIC on the same port over UDP
 * ({@link dev.roundtrip.edge.h3.Http3Listener}). Serves metrics and {@code /healthz} on the admin
 * listener.
 *
 * <p>Threading: one acceptor thread and {@link EdgeConfig#workers()} event loops; a request and its
 * upstream connection stay on the loop of the downstream connection.
 */
public final class LoadBalancer implements Service {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final String name;
    private final EdgeConfig config;
    private final Network network;
    private final MonotonicClock clock;
    private final EdgeMetrics metrics = new EdgeMetrics();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final Map<String, HttpServerInitializer> initializers = new LinkedHashMap<>();
    private final List<HealthChecker> checkers = new ArrayList<>();
    private final List<Http3Listener> http3 = new ArrayList<>();
    private volatile Health.Status status = Health.Status.STARTING;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private UpstreamPools pools;
    private boolean released;

    public LoadBalancer(String name, EdgeConfig config, Network network, MonotonicClock clock) {
        this.name = name;
        this.config = config;
        this.network = network;
        this.clock = clock;
        int id = 0;
        for (ClusterConfig c : config.clusters()) {
            Cluster cluster = new Cluster(c, id, clock);
            clusters.put(c.name(), cluster);
            endpoints.addAll(cluster.endpoints());
            id += c.endpoints().size();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The configuration this balancer runs. */
    public EdgeConfig config() {
        return config;
    }

    /** The balancer's request metrics (for tests and the admin listener). */
    public EdgeMetrics metrics() {
        return metrics;
    }

    /** The cluster named {@code name}, at run time. */
    public Cluster cluster(String clusterName) {
        return clusters.get(clusterName);
    }

    @Override
    public synchronized CompletableFuture<List<BoundAddress>> start() {
        try {
            Transport transport = Transport.best();
            int threads = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
            acceptors = transport.newGroup(1, "lb-accept");
            workers = transport.newGroup(threads, "lb-worker");
            pools = new UpstreamPools(workers, endpoints, e -> clusters.get(e.cluster()).config().pool(), network, transport, clock);
            AccessLog accessLog = new AccessLog(config.accessLog());
            List<CompletableFuture<BoundAddress>> bound = new ArrayList<>();
            for (ListenerConfig l : config.listeners()) {
                List<IssuedCertificate> certs = l.tls().map(ListenerCertificates::load).orElse(List.of());
                Mapping<String, SslContext> tls = l.tls().isPresent() ? tlsMapping(l, l.tls().get(), certs) : null;
                ListenerContext context = new ListenerContext(l.name(), new Router(l.routes()), clusters, pools, metrics,
                        accessLog, clock, inFlight);
                Http3Listener h3 = l.http3().isEmpty() ? null : new Http3Listener(l, certs, config.limits(), () -> new ProxyHandler(context));
                HttpServerInitializer init = new HttpServerInitializer(config.limits(), tls, l.http2(),
                        h3 == null ? () -> new ProxyHandler(context) : () -> h3.advertised(new ProxyHandler(context)));
                initializers.put(l.name(), init);
                CompletableFuture<BoundAddress> tcp = bind(transport, l.address(), init, tls != null ? "https" : "http");
                bound.add(tcp);
                if (h3 != null) { // HTTP/3 on the same port number over UDP, once TCP has it
                    http3.add(h3);
                    bound.add(tcp.thenCompose(b -> h3.start(workers, transport, network, b)));
                }
            }
            if (config.admin().isPresent()) {
                HttpLimits adminLimits = new HttpLimits(8192, 16 * 1024, 1024, Duration.ofSeconds(5), Duration.ofSeconds(30), 64, 1, 10, Duration.ofSeconds(30));
                HttpServerInitializer admin = new HttpServerInitializer(adminLimits, null, false,
                        () -> new AdminHandler(this::metricsText, this::allClustersUsable, this::clustersText));
                bound.add(bind(transport, config.admin().get().address(), admin, "admin"));
            }
            startHealthChecks(transport);
            return CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new))
                    .thenApply(v -> {
                        status = Health.Status.SERVING;
                        return bound.stream().map(CompletableFuture::join).toList();
                    })
                    .handle((addresses, e) -> {
                        if (e == null) {
                            return CompletableFuture.completedFuture(addresses);
                        }
                        // Called on an event loop: release (which waits for the loops) elsewhere.
                        status = Health.Status.FAILED;
                        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                        return CompletableFuture.runAsync(() -> release(Duration.ZERO))
                                .thenCompose(x -> CompletableFuture.<List<BoundAddress>>failedFuture(cause));
                    })
                    .thenCompose(f -> f);
        } catch (RuntimeException e) {
            status = Health.Status.FAILED;
            release(Duration.ZERO);
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<BoundAddress> bind(Transport transport, InetSocketAddress lab, HttpServerInitializer init, String protocol) {
        CompletableFuture<BoundAddress> result = new CompletableFuture<>();
        InetSocketAddress real;
        try {
            real = network.bindAddress(lab);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        ChannelFuture f = HttpServer.bind(transport, acceptors, workers, real, init);
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                synchronized (listeners) {
                    listeners.add(done.channel());
                }
                InetSocketAddress actual = HttpServer.boundAddress(done.channel());
                InetSocketAddress shown = lab.getPort() == 0 ? actual : lab;
                log.debug("{} listening on {} ({})", name, shown, protocol);
                result.complete(new BoundAddress(protocol, shown, actual));
            } else {
                result.completeExceptionally(bindFailure(lab, real, done.cause()));
            }
        });
        return result;
    }

    /** A bind failure as a {@link java.net.BindException} naming the address (epoll reports a NativeIoException). */
    private static Throwable bindFailure(InetSocketAddress lab, InetSocketAddress real, Throwable cause) {
        if (cause instanceof java.net.BindException) {
            return cause;
        }
        String m = String.valueOf(cause.getMessage());
        String what = m.contains("in use") ? "address already in use" : m.contains("assign") ? "address not available" : m;
        java.net.BindException e = new java.net.BindException(dev.roundtrip.core.net.HostPort.format(lab)
                + (lab.equals(real) ? "" : " (" + dev.roundtrip.core.net.HostPort.format(real) + ")") + ": " + what);
        e.initCause(cause);
        return e;
    }

    /** Certificates by SNI name; the first certificate is the default (no or unknown SNI). */
    private static Mapping<String, SslContext> tlsMapping(ListenerConfig listener, TlsConfig tls, List<IssuedCertificate> certs) {
        DomainWildcardMappingBuilder<SslContext> builder = null;
        List<String> alpn = listener.http2() ? TlsContexts.HTTP_ALPN : List.of("http/1.1");
        for (int i = 0; i < certs.size(); i++) {
            SslContext context = TlsContexts.nettyServer(certs.get(i), alpn);
            if (builder == null) {
                builder = new DomainWildcardMappingBuilder<>(context);
            }
            for (String n : tls.certificates().get(i).names()) {
                if (!isIpLiteral(n)) {
                    builder.add(n, context);
                }
            }
        }
        return builder.build();
    }

    private static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.');
    }

    private void startHealthChecks(Transport transport) {
        Iterator<io.netty.util.concurrent.EventExecutor> loops = workers.iterator();
        for (Cluster c : clusters.values()) {
            if (c.config().healthCheck().isEmpty()) {
                continue;
            }
            for (Endpoint e : c.endpoints()) {
                if (!loops.hasNext()) {
                    loops = workers.iterator();
                }
                HealthChecker checker = new HealthChecker(e, c.config().healthCheck().get(), (EventLoop) loops.next(), transport, network,
                        change -> {});
                checkers.add(checker);
                checker.start();
            }
        }
    }

    @Override
    public Health health() {
        Health.Status s = status;
        if (s == Health.Status.SERVING && !allClustersUsable()) {
            return new Health(Health.Status.DEGRADED, "a cluster has no usable endpoint");
        }
        return Health.of(s);
    }

    private boolean allClustersUsable() {
        long now = clock.nanoTime();
        return status == Health.Status.SERVING
                && clusters.values().stream().allMatch(c -> c.endpoints().stream().anyMatch(e -> e.health().isAvailable(now)));
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        synchronized (this) {
            if (status == Health.Status.STOPPED || status == Health.Status.STOPPING) {
                return CompletableFuture.completedFuture(null);
            }
            status = Health.Status.STOPPING;
        }
        return CompletableFuture.runAsync(() -> {
            release(grace);
            status = Health.Status.STOPPED;
        });
    }

    private synchronized void release(Duration grace) {
        if (released) {
            return;
        }
        released = true;
        List<Channel> open;
        synchronized (listeners) {
            open = new ArrayList<>(listeners);
            listeners.clear();
        }
        for (Channel ch : open) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        http3.forEach(Http3Listener::close);
        checkers.forEach(HealthChecker::stop);
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (pools != null) {
            pools.close();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The Prometheus text of {@code /metrics}: request counters and histograms, then live gauges. */
    public String metricsText() {
        StringBuilder out = new StringBuilder(4096);
        metrics.render(out);
        long now = clock.nanoTime();
        gauge(out, "roundtrip_lb_upstream_healthy", "gauge", "1 when the endpoint may get requests (health checks pass, not ejected).");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_upstream_healthy", e, e.health().isAvailable(now) ? 1 : 0);
        }
        gauge(out, "roundtrip_lb_upstream_active_requests", "gauge", "Requests in flight to the endpoint.");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_upstream_active_requests", e, e.activeRequests());
        }
        gauge(out, "roundtrip_lb_upstream_connections_open", "gauge", "Pooled upstream connections, busy or idle.");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_upstream_connections_open", e, pools == null ? 0 : pools.openConnections(e));
        }
        gauge(out, "roundtrip_lb_upstream_connections_idle", "gauge", "Idle pooled upstream connections.");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_upstream_connections_idle", e, pools == null ? 0 : pools.idleConnections(e));
        }
        gauge(out, "roundtrip_lb_upstream_connections_created_total", "counter", "Upstream connections opened.");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_upstream_connections_created_total", e, pools == null ? 0 : pools.connectionsCreated(e));
        }
        gauge(out, "roundtrip_lb_ejections_total", "counter", "Passive ejections (outlier detection).");
        for (Endpoint e : endpoints) {
            line(out, "roundtrip_lb_ejections_total", e, Cluster.ejections(e));
        }
        gauge(out, "roundtrip_lb_retries_total", "counter", "Requests sent again to another endpoint.");
        clusters.values().forEach(c -> out.append("roundtrip_lb_retries_total{cluster=\"").append(c.name()).append("\"} ").append(c.retries()).append('\n'));
        gauge(out, "roundtrip_lb_retries_denied_total", "counter", "Retries refused by the retry budget.");
        clusters.values().forEach(c -> out.append("roundtrip_lb_retries_denied_total{cluster=\"").append(c.name()).append("\"} ")
                .append(c.retriesDeniedByBudget()).append('\n'));
        gauge(out, "roundtrip_lb_downstream_connections", "gauge", "Open client connections.");
        initializers.forEach((l, i) -> out.append("roundtrip_lb_downstream_connections{listener=\"").append(l).append("\"} ").append(i.openConnections()).append('\n'));
        gauge(out, "roundtrip_lb_downstream_connections_rejected_total", "counter", "Client connections closed at once: max_connections reached.");
        initializers.forEach((l, i) -> out.append("roundtrip_lb_downstream_connections_rejected_total{listener=\"").append(l).append("\"} ")
                .append(i.rejectedConnections()).append('\n'));
        Http3Listener.renderMetrics(out, http3);
        gauge(out, "roundtrip_lb_requests_in_flight", "gauge", "Requests being proxied now.");
        out.append("roundtrip_lb_requests_in_flight ").append(inFlight.get()).append('\n');
        return out.toString();
    }

    private static void gauge(StringBuilder out, String metric, String type, String help) {
        out.append("# HELP ").append(metric).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder out, String metric, Endpoint e, long value) {
        out.append(metric).append("{cluster=\"").append(e.cluster()).append("\",endpoint=\"").append(e.label()).append("\"} ")
                .append(value).append('\n');
    }

    /** One line per endpoint: cluster, address, state, in-flight requests, pooled connections. */
    public String clustersText() {
        StringBuilder out = new StringBuilder();
        long now = clock.nanoTime();
        for (Endpoint e : endpoints) {
            String state = e.health().isEjected(now) ? "ejected" : !e.health().activeHealthy() ? "unhealthy" : "healthy";
            out.append(e.cluster()).append(' ').append(e.label()).append(' ').append(state)
                    .append(" active=").append(e.activeRequests())
                    .append(" open=").append(pools == null ? 0 : pools.openConnections(e))
                    .append(" idle=").append(pools == null ? 0 : pools.idleConnections(e))
                    .append(" ejections=").append(Cluster.ejections(e)).append('\n');
        }
        return out.toString();
    }
}
