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
import dev.roundtrip.edge.config.EdgeConfigException;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.TlsConfig;
import dev.roundtrip.edge.h3.Http3Listener;
import dev.roundtrip.edge.health.HealthChecker;
import dev.roundtrip.edge.l4.TcpListener;
import dev.roundtrip.edge.l4.TcpMetrics;
import dev.roundtrip.edge.proxy.AccessLog;
import dev.roundtrip.edge.proxy.DrainStarted;
import dev.roundtrip.edge.proxy.ListenerContext;
import dev.roundtrip.edge.proxy.ProxyHandler;
import dev.roundtrip.edge.proxy.UpstreamPools;
import dev.roundtrip.edge.route.RouteTable;
import dev.roundtrip.edge.route.Router;
import dev.roundtrip.edge.tunnel.ExtendedConnectHandler;
import dev.roundtrip.edge.tunnel.Tunnels;
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
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The article's "load balancer" hop: terminates TCP and TLS (h2 or http/1.1 by ALPN, h2c in
 * cleartext) on each listener, routes each request to a cluster, and proxies it over pooled
 * keep-alive connections to an endpoint picked by the cluster's policy, retrying on another
 * endpoint when an upstream fails before answering so the client does not see it. A listener in
 * mode tcp is a {@link TcpListener} instead (L4: connections relayed as bytes over the same
 * clusters). A TLS listener with {@code http3} also serves HTTP/3 over QUIC on the same port over
 * UDP ({@link Http3Listener}). Serves metrics and {@code /healthz} on the admin listener.
 *
 * <p>Life cycle: {@link #stop} drains (listeners close, {@link DrainStarted} on every connection,
 * HTTP/2 GOAWAY, idle HTTP/1.1 closed, requests in flight finish within the grace period);
 * {@link #reload(EdgeConfig)} applies a new configuration to new requests without dropping a
 * connection: each listener's request path reads one immutable {@link RouteTable} per request
 * from its {@link ListenerContext}, and a reload swaps it whole.
 *
 * <p>Threading: {@link EdgeConfig#workers()} event loops, which also accept (each listener on one
 * of them, its connections spread over all); a request and its upstream connection stay on the
 * loop of the downstream connection.
 */
public final class LoadBalancer implements Service {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);
    /** How long a listener that a reload removed may take to finish its requests. */
    static final Duration RELOAD_DRAIN_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Network network;
    private final MonotonicClock clock;
    private final EdgeMetrics metrics = new EdgeMetrics();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, RunningListener> listeners = new LinkedHashMap<>();
    /** The connections of listeners a reload removed, until they are drained. */
    private final List<HttpServerInitializer> draining = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Endpoint, HealthChecker> checkers = new HashMap<>();
    private final LongAdder reloadsApplied = new LongAdder();
    private final LongAdder reloadsRejected = new LongAdder();
    private volatile Generation current;
    private final List<TcpListener> tcpListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Http3Listener> http3 = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Health.Status status = Health.Status.STARTING;
    private volatile Supplier<EdgeConfig> configSource;
    private int nextEndpointId;
    private Transport transport;
    private EventLoopGroup workers;
    /** The event loops of tcp listeners (NIO; see where they are made). */
    private EventLoopGroup tcpAcceptors;
    private EventLoopGroup tcpWorkers;
    private ExecutorService reloader;
    private UpstreamPools pools;
    private AccessLog accessLog;
    private HttpServerInitializer adminServer;
    private volatile Channel adminChannel;
    private Tunnels tunnels;
    private boolean released;

    /** One applied configuration: its number, the configuration, and the clusters and endpoints built from it. */
    private record Generation(long number, EdgeConfig config, Map<String, Cluster> clusters, List<Endpoint> endpoints) {}

    /** A bound listener: its configuration, its shared request context, its connections and its socket. */
    private record RunningListener(ListenerConfig config, ListenerContext context, HttpServerInitializer server, Channel channel,
            BoundAddress address, Http3Listener h3, BoundAddress quicAddress) {
        RunningListener with(ListenerConfig next) {
            return new RunningListener(next, context, server, channel, address, h3, quicAddress);
        }
    }

    public LoadBalancer(String name, EdgeConfig config, Network network, MonotonicClock clock) {
        this.name = name;
        this.network = network;
        this.clock = clock;
        this.current = build(1, config, null);
    }

    /**
     * The clusters of {@code config} as generation {@code number}: a cluster that {@code previous}
     * also has keeps its counters, and its endpoints at unchanged addresses when
     * {@link ReloadPlan#keepsEndpoints} holds; every other endpoint is new.
     */
    private Generation build(long number, EdgeConfig config, Generation previous) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        List<Endpoint> all = new ArrayList<>();
        for (ClusterConfig c : config.clusters()) {
            Cluster old = previous == null ? null : previous.clusters().get(c.name());
            boolean keep = old != null && ReloadPlan.keepsEndpoints(old.config(), c);
            List<Endpoint> before = old == null ? new ArrayList<>() : new ArrayList<>(old.endpoints());
            List<Endpoint> endpoints = new ArrayList<>();
            for (InetSocketAddress address : c.endpoints()) {
                Endpoint same = before.stream().filter(e -> e.address().equals(address)).findFirst().orElse(null);
                before.remove(same);
                endpoints.add(keep && same != null ? same : Cluster.newEndpoint(nextEndpointId++, c, address, same));
            }
            clusters.put(c.name(), new Cluster(c, endpoints, clock, old));
            all.addAll(endpoints);
        }
        return new Generation(number, config, clusters, List.copyOf(all));
    }

    @Override
    public String name() {
        return name;
    }

    /** The configuration this balancer runs now. */
    public EdgeConfig config() {
        return current.config();
    }

    /** The configuration generation serving now: 1 at start, +1 per applied reload. */
    public long generation() {
        return current.number();
    }

    /** The balancer's request metrics (for tests and the admin listener). */
    public EdgeMetrics metrics() {
        return metrics;
    }

    /** The connection metrics of the TCP-mode listener {@code listenerName}, or null when there is none. */
    public TcpMetrics tcpMetrics(String listenerName) {
        return tcpListeners.stream().filter(t -> t.name().equals(listenerName)).map(TcpListener::metrics).findFirst().orElse(null);
    }

    /** The WebSocket tunnels (null before start). */
    public Tunnels tunnels() {
        return tunnels;
    }

    /** The cluster named {@code name}, at run time. */
    public Cluster cluster(String clusterName) {
        return current.clusters().get(clusterName);
    }

    /** Where each listener listens now, by name (listeners a reload added included, removed ones not). */
    public Map<String, BoundAddress> listening() {
        Map<String, BoundAddress> out = new LinkedHashMap<>();
        synchronized (listeners) {
            listeners.forEach((n, r) -> out.put(n, r.address()));
        }
        return out;
    }

    /** The transport the event loops run on; null until {@link #start()}. */
    public synchronized Transport transport() {
        return transport;
    }

    /**
     * Where {@link #reload()} and {@code POST /reload} read the configuration again (e.g. the
     * {@code --config} file); without one they answer {@link ReloadResult.Outcome#NO_SOURCE}.
     */
    public void reloadFrom(Supplier<EdgeConfig> source) {
        this.configSource = source;
    }

    @Override
    public synchronized CompletableFuture<List<BoundAddress>> start() {
        try {
            EdgeConfig config = current.config();
            transport = config.transportOrBest();
            if (!transport.isAvailable()) {
                throw new EdgeConfigException("transport", "'" + transport.configName() + "' does not work here: "
                        + transport.unavailabilityCause() + " (allowed: " + EdgeConfig.TRANSPORTS + ")");
            }
            int threads = config.workerThreads();
            workers = transport.newGroup(threads, "lb-worker");
            reloader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lb-reload");
                t.setDaemon(true);
                return t;
            });
            pools = new UpstreamPools(workers, network, transport, clock);
            accessLog = new AccessLog(config.accessLog());
            tunnels = new Tunnels(config.websocket(), network, transport);
            List<CompletableFuture<BoundAddress>> bound = new ArrayList<>();
            for (ListenerConfig l : config.listeners()) {
                if (l.tcpProxy().isPresent()) { // L4: connections relayed as bytes (dev.roundtrip.edge.l4)
                    TcpListener tcp = new TcpListener(l, current.clusters().get(l.tcpProxy().get().cluster()), network, clock);
                    tcpListeners.add(tcp);
                    if (tcpWorkers == null) {
                        // Relayed connections run on NIO: Netty 4.2.18's epoll transport loses a
                        // half-closed connection's epoll registration (epoll_ctl ENOENT when a write
                        // needs EPOLLOUT after the peer's FIN), which cuts a half-close relay that
                        // has to wait for a slow reader; NIO relays it intact.
                        tcpAcceptors = Transport.NIO.newGroup(1, "lb-tcp-accept");
                        tcpWorkers = Transport.NIO.newGroup(threads, "lb-tcp-worker");
                    }
                    bound.add(tcp.bind(Transport.NIO, tcpAcceptors, tcpWorkers));
                    continue;
                }
                CompletableFuture<RunningListener> opened = openListener(l, current).thenApply(r -> {
                    synchronized (listeners) {
                        listeners.put(l.name(), r);
                    }
                    return r;
                });
                bound.add(opened.thenApply(RunningListener::address));
                if (l.http3().isPresent()) {
                    bound.add(opened.thenApply(RunningListener::quicAddress));
                }
            }
            if (config.admin().isPresent()) {
                HttpLimits adminLimits = new HttpLimits(8192, 16 * 1024, 1024, Duration.ofSeconds(5), Duration.ofSeconds(30), 64, 1, 10, Duration.ofSeconds(30));
                adminServer = new HttpServerInitializer(adminLimits, null, false,
                        () -> new AdminHandler(this::metricsText, this::allClustersUsable, this::clustersText, this::reload));
                bound.add(bind(config.admin().get().address(), adminServer, "admin").thenApply(b -> {
                    adminChannel = b.channel();
                    return b.address();
                }));
            }
            syncHealthChecks(current);
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
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
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

    /** Builds listener {@code l} on {@code generation}'s routes and binds it (the caller adds it to {@link #listeners}). */
    private CompletableFuture<RunningListener> openListener(ListenerConfig l, Generation generation) {
        Mapping<String, SslContext> tls;
        List<IssuedCertificate> certs;
        try {
            certs = l.tls().map(ListenerCertificates::load).orElse(List.of());
            tls = l.tls().isPresent() ? tlsMapping(l, l.tls().get(), certs) : null;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("listener " + l.name() + ": TLS: " + e.getMessage(), e));
        }
        ListenerContext context = new ListenerContext(l.name(), routeTable(l, generation), pools, metrics, accessLog, clock, inFlight);
        // HTTP/3 shares the listener's context, so a reload's route table reaches its requests too.
        Http3Listener h3 = l.http3().isEmpty() ? null
                : new Http3Listener(l, certs, current.config().limits(), () -> new ProxyHandler(context, tunnels));
        HttpServerInitializer init = new HttpServerInitializer(current.config().limits(), tls, l.http2(),
                h3 == null ? () -> new ProxyHandler(context, tunnels) : () -> h3.advertised(new ProxyHandler(context, tunnels)),
                () -> new ExtendedConnectHandler(context, tunnels),
                ProxyHandler.streams(context, h3 == null ? d -> d : h3::advertised));
        return bind(l.address(), init, tls != null ? "https" : "http").thenCompose(b -> {
            if (h3 == null) {
                return CompletableFuture.completedFuture(new RunningListener(l, context, init, b.channel(), b.address(), null, null));
            }
            // HTTP/3 on the same port number over UDP, once TCP has it.
            return h3.start(workers, transport, network, b.address()).handle((quic, error) -> {
                if (error != null) {
                    b.channel().close();
                    throw new java.util.concurrent.CompletionException(error);
                }
                http3.add(h3);
                return new RunningListener(l, context, init, b.channel(), b.address(), h3, quic);
            });
        });
    }

    private static RouteTable routeTable(ListenerConfig l, Generation generation) {
        return new RouteTable(generation.number(), new Router(l.routes()), generation.clusters(), l.addHeaders());
    }

    /** A listening socket and what it reports. */
    private record Bound(Channel channel, BoundAddress address) {}

    private CompletableFuture<Bound> bind(InetSocketAddress lab, HttpServerInitializer init, String protocol) {
        CompletableFuture<Bound> result = new CompletableFuture<>();
        InetSocketAddress real;
        try {
            real = network.bindAddress(lab);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        // Accepted on a worker loop: with one worker, a new connection is registered on the loop
        // that accepted it, with no hand-off to another thread (and its wake-up) per connection.
        ChannelFuture f = HttpServer.bind(transport, workers, workers, real, init);
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                InetSocketAddress actual = HttpServer.boundAddress(done.channel());
                InetSocketAddress shown = lab.getPort() == 0 ? actual : lab;
                log.debug("{} listening on {} ({})", name, shown, protocol);
                result.complete(new Bound(done.channel(), new BoundAddress(protocol, shown, actual)));
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

    /** Starts a checker for each endpoint of {@code generation} whose cluster has a health check, and stops the others. */
    private void syncHealthChecks(Generation generation) {
        Set<Endpoint> wanted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Iterator<io.netty.util.concurrent.EventExecutor> loops = workers.iterator();
        for (Cluster c : generation.clusters().values()) {
            if (c.config().healthCheck().isEmpty()) {
                continue;
            }
            for (Endpoint e : c.endpoints()) {
                wanted.add(e);
                if (checkers.containsKey(e)) {
                    continue;
                }
                if (!loops.hasNext()) {
                    loops = workers.iterator();
                }
                HealthChecker checker = new HealthChecker(e, c.config().healthCheck().get(), c.config().upstreamProtocol(),
                        (EventLoop) loops.next(), transport, network,
                        change -> {});
                checkers.put(e, checker);
                checker.start();
            }
        }
        checkers.entrySet().removeIf(entry -> {
            if (wanted.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().stop();
            return true;
        });
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
                && current.clusters().values().stream().allMatch(c -> c.endpoints().stream().anyMatch(e -> e.health().isAvailable(now)));
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

    /**
     * Reads the configuration again from the {@link #reloadFrom source} and applies it as
     * {@link #reload(EdgeConfig)} does; an invalid file is rejected with the parser's message (key,
     * value, what is allowed) and the running configuration keeps serving. Never blocks the caller.
     */
    public CompletableFuture<ReloadResult> reload() {
        Supplier<EdgeConfig> source = configSource;
        if (source == null) {
            String why = "nothing to reload: " + name + " was started without a configuration file (--config FILE)";
            log.warn(why);
            return CompletableFuture.completedFuture(new ReloadResult(ReloadResult.Outcome.NO_SOURCE, current.number(), why));
        }
        return onReloader(() -> {
            EdgeConfig next;
            try {
                next = source.get();
            } catch (EdgeConfigException e) {
                return rejected("invalid configuration: " + e.getMessage());
            }
            return apply(next);
        });
    }

    /**
     * Applies {@code next} to new requests without dropping a connection. First what can fail:
     * the certificates of kept TLS listeners are read again and new listeners are bound (when one
     * fails, nothing changes). Then the switch: every kept listener's route table (and
     * certificates) is replaced in one write each. Then the clean-up: endpoints that are gone are
     * retired (no new request; pooled connections close when idle; health checks stop), new
     * endpoints get health checks, removed listeners stop accepting and drain ({@link DrainStarted},
     * GOAWAY, idle connections closed) within {@link #RELOAD_DRAIN_GRACE}. Endpoints kept by
     * {@link ReloadPlan#keepsEndpoints} keep their health, latency average, ejection and pools.
     * Reloads run one at a time, off the caller's thread.
     */
    public CompletableFuture<ReloadResult> reload(EdgeConfig next) {
        return onReloader(() -> apply(next));
    }

    private CompletableFuture<ReloadResult> onReloader(Supplier<ReloadResult> work) {
        ExecutorService executor = reloader;
        if (executor == null || status != Health.Status.SERVING) {
            return CompletableFuture.completedFuture(rejected("not serving (" + status + ")"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    log.error("{}: reload failed", name, e);
                    return rejected("reload failed: " + e);
                }
            }, executor);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(rejected("stopping"));
        }
    }

    /**
     * Why {@code next} cannot be applied live because of its tcp listeners, or null when it can: a
     * tcp listener holds its cluster for the connections it relays, so tcp listeners and the
     * clusters they use change only at the next start.
     */
    static String tcpChange(EdgeConfig running, EdgeConfig next) {
        List<ListenerConfig> before = running.listeners().stream().filter(l -> l.tcpProxy().isPresent()).toList();
        List<ListenerConfig> after = next.listeners().stream().filter(l -> l.tcpProxy().isPresent()).toList();
        if (!before.equals(after)) {
            return "tcp listeners changed: tcp listeners change only at the next start";
        }
        for (ListenerConfig l : before) {
            String cluster = l.tcpProxy().get().cluster();
            if (!running.clusters().stream().filter(c -> c.name().equals(cluster)).toList()
                    .equals(next.clusters().stream().filter(c -> c.name().equals(cluster)).toList())) {
                return "cluster " + cluster + " changed, which tcp listener " + l.name()
                        + " uses: tcp listeners and their clusters change only at the next start";
            }
        }
        return null;
    }

    private ReloadResult rejected(String why) {
        reloadsRejected.increment();
        log.error("{}: reload rejected, generation {} keeps serving: {}", name, current.number(), why);
        return new ReloadResult(ReloadResult.Outcome.REJECTED, current.number(), why);
    }

    private synchronized ReloadResult apply(EdgeConfig next) {
        if (released || status != Health.Status.SERVING) {
            return rejected("not serving (" + status + ")");
        }
        Generation old = current;
        String tcpChange = tcpChange(old.config(), next);
        if (tcpChange != null) {
            return rejected(tcpChange);
        }
        ReloadPlan plan = ReloadPlan.of(old.config(), next);
        Generation gen = build(old.number() + 1, next, old);

        // 0. Certificates of the kept TLS listeners, read again (rotation without a restart).
        Map<String, Mapping<String, SslContext>> certificates = new HashMap<>();
        for (ListenerConfig l : plan.kept()) {
            if (l.tls().isPresent()) {
                try {
                    certificates.put(l.name(), tlsMapping(l, l.tls().get(), ListenerCertificates.load(l.tls().get())));
                } catch (RuntimeException e) {
                    return rejected("listener " + l.name() + ": TLS: " + e.getMessage());
                }
            }
        }

        // 1. Bind the new listeners; when one fails, close the others and change nothing.
        List<RunningListener> opened = new ArrayList<>();
        String bindError = awaitBound(plan.bindFirst(), plan.bindFirst().stream().map(l -> openListener(l, gen)).toList(), opened);
        if (bindError != null) {
            opened.forEach(r -> {
                r.channel().close();
                if (r.h3() != null) {
                    http3.remove(r.h3());
                    r.h3().close();
                }
            });
            return rejected(bindError);
        }

        // 2. The switch: requests starting from now on read the new generation.
        current = gen;
        List<RunningListener> removed = new ArrayList<>();
        synchronized (listeners) {
            for (ListenerConfig l : plan.kept()) {
                RunningListener r = listeners.get(l.name());
                if (r == null) {
                    continue; // a tcp listener: unchanged (see tcpChange)
                }
                r.context().routes(routeTable(l, gen));
                if (certificates.containsKey(l.name())) {
                    r.server().certificates(certificates.get(l.name()));
                }
                listeners.put(l.name(), r.with(l));
            }
            for (ListenerConfig l : plan.removed()) {
                RunningListener r = listeners.remove(l.name());
                if (r != null) {
                    removed.add(r);
                }
            }
            opened.forEach(r -> listeners.put(r.config().name(), r));
        }

        // 3. Endpoints that are gone get no new request; their pools and checkers close.
        Set<Endpoint> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        live.addAll(gen.endpoints());
        List<Endpoint> retired = old.endpoints().stream().filter(e -> !live.contains(e)).toList();
        Set<Endpoint> before = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(old.endpoints());
        long added = gen.endpoints().stream().filter(e -> !before.contains(e)).count();
        for (Endpoint e : retired) {
            e.retire();
            pools.retire(e);
        }
        syncHealthChecks(gen);

        // 4. Removed listeners stop accepting and drain; listeners waiting for their port bind now.
        for (RunningListener r : removed) {
            r.channel().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            if (r.h3() != null) {
                http3.remove(r.h3());
                r.h3().close();
            }
            r.server().drain(new DrainStarted(RELOAD_DRAIN_GRACE), RELOAD_DRAIN_GRACE);
            draining.add(r.server());
            workers.schedule(() -> {
                r.server().closeAll();
                draining.remove(r.server());
            }, RELOAD_DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        List<RunningListener> late = new ArrayList<>();
        String lateError = awaitBound(plan.bindAfterRemoval(), plan.bindAfterRemoval().stream().map(l -> openListener(l, gen)).toList(), late);
        synchronized (listeners) {
            late.forEach(r -> listeners.put(r.config().name(), r));
        }

        reloadsApplied.increment();
        StringBuilder summary = new StringBuilder("generation ").append(gen.number()).append(" applied: listeners +")
                .append(plan.bindFirst().size() + plan.bindAfterRemoval().size()).append(" -").append(plan.removed().size())
                .append(", clusters ").append(gen.clusters().size())
                .append(", endpoints +").append(added).append(" -").append(retired.size());
        if (!plan.restartOnly().isEmpty()) {
            summary.append("; changes to ").append(String.join(", ", plan.restartOnly())).append(" take effect at the next start");
        }
        if (lateError != null) {
            summary.append("; ").append(lateError);
            log.error("{}: {}", name, lateError);
        }
        log.info("{}: reload: {}", name, summary);
        return new ReloadResult(ReloadResult.Outcome.APPLIED, gen.number(), summary.toString());
    }

    /** Waits for the binds of {@code configs}, adding each bound one to {@code bound}; null when all are bound, else which failed and why. */
    private String awaitBound(List<ListenerConfig> configs, List<CompletableFuture<RunningListener>> binds, List<RunningListener> bound) {
        String error = null;
        for (int i = 0; i < binds.size(); i++) {
            try {
                RunningListener r = binds.get(i).get(10, TimeUnit.SECONDS);
                bound.add(r);
                log.info("{}: listener {} listening on {}", name, configs.get(i).name(), r.address());
            } catch (ExecutionException e) {
                error = error != null ? error : "listener " + configs.get(i).name() + " cannot bind: " + e.getCause().getMessage();
            } catch (TimeoutException | InterruptedException e) {
                error = error != null ? error : "listener " + configs.get(i).name() + " did not bind within 10 s";
            }
        }
        return error;
    }

    /**
     * Drains and stops, in this order: close the listening sockets (new connections are refused),
     * stop health checks, fire {@link DrainStarted} on every open downstream connection (HTTP/2 gets
     * GOAWAY, idle HTTP/1.1 closes, busy HTTP/1.1 closes after its response; see
     * {@link HttpServerInitializer#drain}), wait for in-flight requests and connections to finish
     * until the grace deadline, close what is left, then close the upstream pools and the loops.
     */
    private synchronized void release(Duration grace) {
        if (released) {
            return;
        }
        released = true;
        long deadline = System.nanoTime() + grace.toNanos();
        List<RunningListener> open;
        synchronized (listeners) {
            open = new ArrayList<>(listeners.values());
            listeners.clear();
        }
        List<Channel> sockets = new ArrayList<>(open.stream().map(RunningListener::channel).toList());
        List<HttpServerInitializer> servers = new ArrayList<>(open.stream().map(RunningListener::server).toList());
        if (adminServer != null) {
            servers.add(adminServer);
        }
        if (adminChannel != null) {
            sockets.add(adminChannel);
        }
        for (Channel ch : sockets) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        tcpListeners.forEach(TcpListener::close);
        http3.forEach(Http3Listener::close);
        checkers.values().forEach(HealthChecker::stop);
        checkers.clear();
        DrainStarted event = new DrainStarted(grace);
        servers.forEach(s -> s.drain(event, grace));
        servers.addAll(draining); // removed by a reload: draining already
        awaitDrained(servers, deadline);
        servers.forEach(HttpServerInitializer::closeAll);
        if (reloader != null) {
            reloader.shutdown();
        }
        if (pools != null) {
            pools.close();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : new EventLoopGroup[] {tcpAcceptors, tcpWorkers}) {
            if (g != null) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until no request is in flight and no connection is open, or the deadline; logs progress every second. */
    private void awaitDrained(List<HttpServerInitializer> servers, long deadlineNanos) {
        long nextLog = System.nanoTime();
        while (true) {
            int requests = inFlight.get();
            // Relayed TCP connections (L4) get the same grace: the listener stopped accepting, and
            // what is open may finish until the deadline.
            long connections = servers.stream().mapToInt(HttpServerInitializer::openConnections).sum()
                    + tcpListeners.stream().mapToLong(t -> t.metrics().openConnections()).sum();
            long now = System.nanoTime();
            if (requests == 0 && connections == 0) {
                log.info("{} drained", name);
                return;
            }
            if (now - deadlineNanos >= 0) {
                log.info("{}: grace period over, closing {} connections with {} requests still in flight", name, connections, requests);
                return;
            }
            if (now - nextLog >= 0) {
                log.info("{} draining: {} connections open, {} requests in flight, {} ms left", name, connections, requests,
                        TimeUnit.NANOSECONDS.toMillis(deadlineNanos - now));
                nextLog = now + TimeUnit.SECONDS.toNanos(1);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The Prometheus text of {@code /metrics}: request counters and histograms, then live gauges. */
    public String metricsText() {
        StringBuilder out = new StringBuilder(4096);
        metrics.render(out);
        long now = clock.nanoTime();
        Generation gen = current;
        List<Endpoint> endpoints = gen.endpoints();
        Map<String, Cluster> clusters = gen.clusters();
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
        Map<String, HttpServerInitializer> initializers = new LinkedHashMap<>();
        synchronized (listeners) {
            listeners.forEach((l, r) -> initializers.put(l, r.server()));
        }
        initializers.forEach((l, i) -> out.append("roundtrip_lb_downstream_connections{listener=\"").append(l).append("\"} ").append(i.openConnections()).append('\n'));
        gauge(out, "roundtrip_lb_downstream_connections_rejected_total", "counter", "Client connections closed at once: max_connections reached.");
        initializers.forEach((l, i) -> out.append("roundtrip_lb_downstream_connections_rejected_total{listener=\"").append(l).append("\"} ")
                .append(i.rejectedConnections()).append('\n'));
        Http3Listener.renderMetrics(out, http3);
        gauge(out, "roundtrip_lb_requests_in_flight", "gauge", "Requests being proxied now.");
        out.append("roundtrip_lb_requests_in_flight ").append(inFlight.get()).append('\n');
        gauge(out, "roundtrip_lb_config_generation", "gauge", "The configuration generation serving: 1 at start, +1 per applied reload.");
        out.append("roundtrip_lb_config_generation ").append(gen.number()).append('\n');
        gauge(out, "roundtrip_lb_config_reloads_total", "counter", "Reloads by result: applied, or rejected (the old configuration kept serving).");
        out.append("roundtrip_lb_config_reloads_total{result=\"success\"} ").append(reloadsApplied.sum()).append('\n');
        out.append("roundtrip_lb_config_reloads_total{result=\"failure\"} ").append(reloadsRejected.sum()).append('\n');
        TcpMetrics.render(tcpListeners.stream().map(TcpListener::metrics).toList(), out);
        if (tunnels != null) {
            tunnels.render(out);
        }
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
        for (Endpoint e : current.endpoints()) {
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
