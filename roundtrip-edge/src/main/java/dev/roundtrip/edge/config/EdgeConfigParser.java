package dev.roundtrip.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.client.PoolSettings;
import dev.roundtrip.http.h3.QuicLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an {@link EdgeConfig} from YAML or JSON: the file of {@code roundtrip lb --config FILE},
 * or the {@code settings} of a topology's load-balancer service. Validation happens in the same
 * step; every error names the key path, the value and what is allowed.
 *
 * <p>Full form (Envoy's model):
 * <pre>
 * listeners:
 *   - name: public                      # default listener-N
 *     address: 198.18.0.10:443
 *     tls:                              # omit for cleartext; "tls: true" = local CA cert for "localhost" + the address
 *       certificates:
 *         - names: [api.example.com]    # SNI names; the first certificate is the default
 *           cert: /path/cert.pem        # cert + key, or neither (the local CA issues one)
 *           key: /path/key.pem
 *       ca_dir: ~/.roundtrip/ca
 *     http2: true                       # ALPN h2 over TLS, h2c in cleartext (default true)
 *     http3: true                       # also HTTP/3 over QUIC on the same port (UDP); needs tls; or:
 *     # http3: { max_streams: 100, idle_timeout: 30s, max_data: 10MiB, max_stream_data: 1MiB,
 *     #          address_validation: false, early_data: true, congestion_control: cubic,   # or reno, bbr
 *     #          qlog_dir: /tmp/qlog }          # a qlog per QUIC connection (off by default)
 *     add_headers: all                  # what is added: x-forwarded-for, x-forwarded-proto, x-forwarded-host,
 *                                       # forwarded, via, traceparent, server-timing; all (default), none, or a list
 *     routes:
 *       - match: { hosts: ["*"], path_prefix: / }
 *         cluster: app
 *   - name: raw                         # L4: connections relayed as bytes (TLS passes through)
 *     address: 198.18.0.10:5432
 *     mode: tcp                         # default http
 *     cluster: db                       # instead of routes; default: the only cluster
 *     idle_timeout: 1h                  # no byte either way for this long closes both sides
 * clusters:
 *   - name: app
 *     endpoints: [198.18.1.10:8080, 198.18.1.11:8080]
 *     policy: round-robin               # least-request | peak-ewma | hash:header:NAME | hash:cookie:NAME
 *     health_check: { path: /healthz, interval: 5s, timeout: 1s, healthy_threshold: 2, unhealthy_threshold: 3 }
 *     outlier_detection: { consecutive_failures: 5, base_ejection_time: 10s, max_ejection_percent: 50 }
 *     pool: { max_connections: 1024, max_pending: 1024, idle_timeout: 30s, max_response_bytes: 64MiB }
 *                                       # max_response_bytes: answers held whole (WebSocket upgrades); proxied responses stream
 *     timeouts: { connect: 2s, response: 15s }   # response: until the head, then the longest silence in the body
 *     retry_policy: { num_retries: 2, retry_on_methods: [POST], retry_budget: { budget_percent: 20, min_retries_per_second: 10 } }
 *     proxy_protocol: v2                # TCP listeners send a PROXY v2 header upstream (default none)
 *     upstream_protocol: h2c            # HTTP/2 by prior knowledge to the endpoints, multiplexed (default h1)
 * admin: { address: 127.0.0.1:9901 }
 * limits: { max_request_line_bytes: 8KiB, max_header_bytes: 64KiB, max_body_bytes: 10MiB, header_read_timeout: 10s,
 *           idle_timeout: 60s, max_connections: 10000, max_concurrent_streams: 100, max_resets_per_window: 200, reset_window: 30s }
 * workers: 0
 * transport: auto                       # epoll (Linux) or nio; io_uring: a turn's I/O in one system call
 * access_log: true
 * websocket: { idle_timeout: 300s, max_lifetime: 24h, max_frame_bytes: 1MiB, max_tunnels: 10000 }
 * </pre>
 * Short form (one listener, one cluster named "default"): {@code listen}, {@code tls},
 * {@code server_names} (names of the local-CA certificate), {@code add_headers}, {@code backends}, {@code policy},
 * {@code health_check} and the cluster keys above, plus
 * {@code admin}, {@code limits}, {@code workers}, {@code transport}, {@code access_log}, and {@code mode: tcp} with
 * {@code idle_timeout} for an L4 listener. In a topology
 * {@code listen} defaults to the service's own address.
 */
public final class EdgeConfigParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String[] CLUSTER_KEYS = {"policy", "health_check", "outlier_detection", "pool", "timeouts", "retry_policy",
        "proxy_protocol", "upstream_protocol"};
    private static final String[] TCP_LISTENER_KEYS = {"name", "address", "mode", "cluster", "idle_timeout"};

    private EdgeConfigParser() {}

    /**
     * The configuration of a topology's load-balancer service: its {@code settings} in the short
     * or the full form; the short form listens on the host's lab address and the service's port,
     * with TLS (a local-CA certificate for {@code server_names}) unless {@code tls: false}, when
     * that port is 443.
     *
     * @throws TopologyException naming {@code source}, the settings key path, the value and what is allowed
     */
    public static EdgeConfig fromTopology(Host host, ServiceSpec spec, String source) {
        InetSocketAddress listen = new InetSocketAddress(host.address(), spec.port());
        JsonNode settings = spec.settings() == null || spec.settings().isMissingNode() || spec.settings().isNull()
                ? YAML.createObjectNode() : spec.settings();
        if (settings.isObject() && spec.port() == 443 && !settings.has("tls") && !settings.has("listeners")) {
            settings = ((com.fasterxml.jackson.databind.node.ObjectNode) settings.deepCopy()).put("tls", true);
        }
        String path = spec.path(); // the service's own keys sit beside type and port
        try {
            return parse(settings, path, listen);
        } catch (EdgeConfigException e) {
            throw new TopologyException(source, e.field(), e.problem());
        }
    }

    /** Parses a YAML or JSON file; errors are prefixed with the file name. */
    public static EdgeConfig parseFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new EdgeConfigException(file.toString(), "cannot read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            throw new EdgeConfigException(file.toString(), "is empty");
        }
        try {
            return parse(root, "", null);
        } catch (EdgeConfigException e) {
            throw new EdgeConfigException(file + ": " + e.field(), e.problem());
        }
    }

    /**
     * Parses a node whose errors are reported under {@code path} (e.g. the topology's
     * "hosts[2].services[0].settings"); {@code defaultListen} is used by the short form when it
     * has no {@code listen} key (may be null: then {@code listen} is required).
     */
    public static EdgeConfig parse(JsonNode root, String path, InetSocketAddress defaultListen) {
        ConfigNode n = new ConfigNode(root, path);
        if (n.has("listeners") || n.has("clusters")) {
            return parseFull(n);
        }
        return parseShort(n, defaultListen);
    }

    private static EdgeConfig parseFull(ConfigNode n) {
        n.onlyKeys("listeners", "clusters", "admin", "limits", "workers", "transport", "access_log", "websocket");
        List<ClusterConfig> clusters = n.list("clusters", c -> {
            c.onlyKeys(concat(CLUSTER_KEYS, "name", "endpoints"));
            return cluster(c, c.string("name"), c.list("endpoints", e -> ConfigNode.parseEndpoint(e.text(), e.path())));
        });
        if (!n.has("listeners")) {
            throw n.error("listeners", "is missing (at least one listener is needed)");
        }
        if (!n.has("clusters")) {
            throw n.error("clusters", "is missing (at least one cluster is needed)");
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        List<ConfigNode> listenerNodes = n.list("listeners", l -> l);
        for (int i = 0; i < listenerNodes.size(); i++) {
            ConfigNode l = listenerNodes.get(i);
            if (tcpMode(l)) {
                noHttpKeys(l, "tls", "http2", "http3", "routes", "add_headers");
                l.onlyKeys(TCP_LISTENER_KEYS);
                String cluster = l.has("cluster") || clusters.size() != 1 ? l.string("cluster") : clusters.getFirst().name();
                InetSocketAddress address = l.address("address");
                String name = l.string("name", "listener-" + i);
                Duration idle = l.duration("idle_timeout", TcpProxyConfig.DEFAULT_IDLE_TIMEOUT);
                listeners.add(wrap(l.path(), () -> ListenerConfig.tcp(name, address, cluster, idle)));
                continue;
            }
            l.onlyKeys("name", "address", "mode", "tls", "http2", "http3", "routes", "add_headers");
            InetSocketAddress address = l.address("address");
            List<RouteConfig> routes = l.list("routes", EdgeConfigParser::route);
            if (routes.isEmpty() && clusters.size() == 1) {
                routes = List.of(RouteConfig.catchAll(clusters.getFirst().name()));
            }
            final List<RouteConfig> r = routes;
            final String name = l.string("name", "listener-" + i);
            final Optional<TlsConfig> tls = tls(l, address);
            final Optional<QuicLimits> h3 = http3(l);
            final Set<AddedHeader> added = addHeaders(l);
            listeners.add(wrap(l.path(), () -> ListenerConfig.http(name, address, tls, l.bool("http2", true), r, h3).withAddHeaders(added)));
        }
        return wrap(n.path(), () -> new EdgeConfig(listeners, clusters, admin(n), limits(n),
                (int) n.integer("workers", 0, 0, 1024), n.bool("access_log", true), websocket(n), transport(n)));
    }

    private static EdgeConfig parseShort(ConfigNode n, InetSocketAddress defaultListen) {
        boolean tcp = tcpMode(n);
        if (tcp) {
            noHttpKeys(n, "tls", "server_names", "http2", "http3", "add_headers");
        }
        String[] listenerKeys = tcp ? new String[] {"listen", "mode", "idle_timeout"} : new String[] {"listen", "mode", "tls", "server_names", "http2", "http3", "websocket", "add_headers"};
        n.onlyKeys(concat(concat(CLUSTER_KEYS, listenerKeys), "backends", "admin", "limits", "workers", "transport", "access_log"));
        InetSocketAddress listen = n.has("listen") ? n.address("listen") : defaultListen;
        if (listen == null) {
            throw n.error("listen", "is missing (allowed: ADDR:PORT, e.g. 127.0.0.1:8080; or use the full form with 'listeners')");
        }
        if (!n.has("backends")) {
            throw n.error("backends", "is missing (allowed: a list of ADDR:PORT)");
        }
        ClusterConfig cluster = cluster(n, "default", n.list("backends", e -> ConfigNode.parseEndpoint(e.text(), e.path())));
        if (tcp && cluster.policy().needsHttp()) {
            throw n.error("policy", "'" + n.string("policy") + "' needs HTTP, but mode tcp never reads headers or cookies (allowed at L4: "
                    + PolicyConfig.ALLOWED_L4 + ")");
        }
        Optional<QuicLimits> h3 = tcp ? Optional.empty() : http3(n);
        ListenerConfig listener = tcp
                ? wrap(n.path(), () -> ListenerConfig.tcp("default", listen, "default", n.duration("idle_timeout", TcpProxyConfig.DEFAULT_IDLE_TIMEOUT)))
                : wrap(n.path(), () -> ListenerConfig.http("default", listen, tls(n, listen), n.bool("http2", true),
                        List.of(RouteConfig.catchAll("default")), h3).withAddHeaders(addHeaders(n)));
        return wrap(n.path(), () -> new EdgeConfig(List.of(listener), List.of(cluster), admin(n), limits(n),
                (int) n.integer("workers", 0, 0, 1024), n.bool("access_log", true), websocket(n), transport(n)));
    }

    /** {@code transport}: auto (the default: epoll on Linux, else NIO), epoll, io_uring or nio. */
    private static Optional<Transport> transport(ConfigNode n) {
        String name = n.string("transport", "auto");
        try {
            return EdgeConfig.parseTransport("transport", name);
        } catch (EdgeConfigException e) {
            throw n.error("transport", e.problem());
        }
    }

    private static ClusterConfig cluster(ConfigNode c, String name, List<InetSocketAddress> endpoints) {
        if (endpoints.isEmpty()) {
            throw c.error(c.has("backends") ? "backends" : "endpoints", "is empty (at least one ADDR:PORT is needed)");
        }
        if (new HashSet<>(endpoints).size() != endpoints.size()) {
            throw c.error(c.has("backends") ? "backends" : "endpoints", "lists an address twice");
        }
        PolicyConfig policy;
        try {
            policy = PolicyConfig.parse(c.string("policy", "round-robin"));
        } catch (EdgeConfigException e) {
            throw c.error("policy", e.problem());
        }
        Optional<HealthCheckConfig> hc = c.optChild("health_check").map(h -> {
            h.onlyKeys("path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold");
            HealthCheckConfig d = HealthCheckConfig.of("/");
            return wrap(h.path(), () -> new HealthCheckConfig(h.string("path", "/healthz"), h.duration("interval", d.interval()),
                    h.duration("timeout", d.timeout()), (int) h.integer("healthy_threshold", d.healthyThreshold(), 1, 100),
                    (int) h.integer("unhealthy_threshold", d.unhealthyThreshold(), 1, 100)));
        });
        OutlierDetectionConfig od = c.optChild("outlier_detection").map(o -> {
            o.onlyKeys("consecutive_failures", "base_ejection_time", "max_ejection_percent");
            OutlierDetectionConfig d = OutlierDetectionConfig.DEFAULTS;
            return wrap(o.path(), () -> new OutlierDetectionConfig((int) o.integer("consecutive_failures", d.consecutiveFailures(), 1, 1000),
                    o.duration("base_ejection_time", d.baseEjectionTime()), (int) o.integer("max_ejection_percent", d.maxEjectionPercent(), 0, 100)));
        }).orElse(OutlierDetectionConfig.DEFAULTS);
        PoolSettings dp = PoolSettings.DEFAULTS;
        Optional<ConfigNode> pool = c.optChild("pool").map(p -> p.onlyKeys("max_connections", "max_pending", "idle_timeout", "max_response_bytes"));
        Optional<ConfigNode> timeouts = c.optChild("timeouts").map(t -> t.onlyKeys("connect", "response"));
        PoolSettings ps = new PoolSettings(
                (int) (long) pool.map(p -> p.integer("max_connections", dp.maxConnections(), 1, 1_000_000)).orElse((long) dp.maxConnections()),
                (int) (long) pool.map(p -> p.integer("max_pending", dp.maxPending(), 0, 1_000_000)).orElse((long) dp.maxPending()),
                timeouts.map(t -> t.duration("connect", dp.connectTimeout())).orElse(dp.connectTimeout()),
                pool.map(p -> p.duration("idle_timeout", dp.idleTimeout())).orElse(dp.idleTimeout()),
                (int) (long) pool.map(p -> p.bytes("max_response_bytes", dp.maxResponseBytes(), Integer.MAX_VALUE)).orElse((long) dp.maxResponseBytes()));
        ProxyProtocol proxyProtocol;
        try {
            proxyProtocol = ProxyProtocol.parse(c.string("proxy_protocol", "none"));
        } catch (EdgeConfigException e) {
            throw c.error("proxy_protocol", e.problem());
        }
        UpstreamProtocol upstreamProtocol;
        try {
            upstreamProtocol = UpstreamProtocol.parse(c.string("upstream_protocol", "h1"));
        } catch (EdgeConfigException e) {
            throw c.error("upstream_protocol", e.problem());
        }
        Duration response = timeouts.map(t -> t.duration("response", Duration.ofSeconds(15))).orElse(Duration.ofSeconds(15));
        RetryConfig retry = c.optChild("retry_policy").map(r -> {
            r.onlyKeys("num_retries", "retry_on_methods", "retry_budget");
            RetryConfig d = RetryConfig.DEFAULTS;
            Optional<ConfigNode> budget = r.optChild("retry_budget").map(b -> b.onlyKeys("budget_percent", "min_retries_per_second"));
            return wrap(r.path(), () -> new RetryConfig((int) r.integer("num_retries", d.numRetries(), 0, 10),
                    budget.map(b -> b.number("budget_percent", d.budgetPercent(), 0, 100)).orElse(d.budgetPercent()),
                    (int) (long) budget.map(b -> b.integer("min_retries_per_second", d.minRetriesPerSecond(), 0, 100_000))
                            .orElse((long) d.minRetriesPerSecond()),
                    new HashSet<>(r.list("retry_on_methods", ConfigNode::text))));
        }).orElse(RetryConfig.DEFAULTS);
        return wrap(c.path(), () -> new ClusterConfig(name, endpoints, policy, hc, od, ps, response, retry, proxyProtocol,
                upstreamProtocol));
    }

    /**
     * {@code add_headers}: the headers the listener adds, {@code all} (the default), {@code none},
     * or a list of names ({@code []} is none too).
     */
    private static Set<AddedHeader> addHeaders(ConfigNode l) {
        if (!l.has("add_headers")) {
            return AddedHeader.ALL;
        }
        JsonNode raw = l.raw().get("add_headers");
        List<String> names = raw.isArray() ? l.list("add_headers", ConfigNode::text) : List.of(l.string("add_headers"));
        try {
            return AddedHeader.parseAll(names);
        } catch (EdgeConfigException e) {
            throw l.error("add_headers", e.problem());
        }
    }

    /** Keys of an HTTP listener in a listener in mode tcp: say why they cannot apply. */
    private static void noHttpKeys(ConfigNode l, String... keys) {
        for (String k : keys) {
            if (l.has(k)) {
                throw l.error(k, "does not apply to mode tcp, which relays bytes without reading them (TLS terminates at the backends; "
                        + "allowed with mode tcp: cluster, idle_timeout)");
            }
        }
    }

    /** Whether a listener node says {@code mode: tcp} (L4); {@code http}, the default, routes requests. */
    private static boolean tcpMode(ConfigNode l) {
        String mode = l.string("mode", "http");
        return switch (mode) {
            case "http" -> false;
            case "tcp" -> true;
            default -> throw l.error("mode", "'" + mode + "' is not a listener mode (allowed: http, tcp)");
        };
    }

    private static RouteConfig route(ConfigNode r) {
        r.onlyKeys("match", "cluster");
        List<String> hosts = List.of("*");
        String prefix = "/";
        if (r.has("match")) {
            ConfigNode m = r.child("match").onlyKeys("hosts", "host", "path_prefix");
            if (m.has("host")) {
                hosts = List.of(m.string("host"));
            }
            if (m.has("hosts")) {
                hosts = m.list("hosts", ConfigNode::text);
            }
            prefix = m.string("path_prefix", "/");
        }
        final List<String> h = hosts;
        final String p = prefix;
        return wrap(r.path(), () -> new RouteConfig(h, p, r.string("cluster")));
    }

    private static Optional<TlsConfig> tls(ConfigNode n, InetSocketAddress address) {
        if (!n.has("tls")) {
            return Optional.empty();
        }
        JsonNode raw = n.raw().get("tls");
        List<String> defaultNames = new ArrayList<>(n.has("server_names") ? n.list("server_names", ConfigNode::text) : List.of("localhost"));
        defaultNames.add(address.getAddress().getHostAddress());
        if (raw.isBoolean()) {
            return raw.asBoolean()
                    ? Optional.of(new TlsConfig(List.of(new TlsConfig.Certificate(defaultNames, Optional.empty(), Optional.empty())), Optional.empty()))
                    : Optional.empty();
        }
        ConfigNode t = n.child("tls").onlyKeys("certificates", "ca_dir");
        List<TlsConfig.Certificate> certs = t.list("certificates", c -> {
            c.onlyKeys("names", "cert", "key");
            return wrap(c.path(), () -> new TlsConfig.Certificate(c.has("names") ? c.list("names", ConfigNode::text) : defaultNames,
                    Optional.ofNullable(c.string("cert", null)).map(Path::of),
                    Optional.ofNullable(c.string("key", null)).map(Path::of)));
        });
        if (certs.isEmpty()) {
            certs = List.of(new TlsConfig.Certificate(defaultNames, Optional.empty(), Optional.empty()));
        }
        List<TlsConfig.Certificate> cs = certs;
        return Optional.of(wrap(t.path(), () -> new TlsConfig(cs, Optional.ofNullable(t.string("ca_dir", null)).map(EdgeConfigParser::expandHome))));
    }

    /** {@code http3: true|false} or {@code http3: { max_streams, idle_timeout, ... }}; absent means no HTTP/3. */
    private static Optional<QuicLimits> http3(ConfigNode n) {
        if (!n.has("http3")) {
            return Optional.empty();
        }
        JsonNode raw = n.raw().get("http3");
        if (raw.isBoolean()) {
            return raw.asBoolean() ? Optional.of(QuicLimits.DEFAULTS) : Optional.empty();
        }
        if (!raw.isObject()) {
            throw n.error("http3", "is " + raw + " (allowed: true, false, or a map of max_streams, idle_timeout, max_data, "
                    + "max_stream_data, address_validation, early_data, congestion_control, qlog_dir)");
        }
        ConfigNode q = n.child("http3").onlyKeys("max_streams", "idle_timeout", "max_data", "max_stream_data", "address_validation",
                "early_data", "congestion_control", "qlog_dir");
        QuicLimits d = QuicLimits.DEFAULTS;
        String cc = q.string("congestion_control", d.congestionControl().configName());
        QuicLimits.CongestionControl congestionControl = QuicLimits.CongestionControl.named(cc).orElseThrow(() -> q.error("congestion_control",
                "is " + cc + " (allowed: " + java.util.Arrays.stream(QuicLimits.CongestionControl.values())
                        .map(QuicLimits.CongestionControl::configName).collect(java.util.stream.Collectors.joining(", ")) + ")"));
        return Optional.of(wrap(q.path(), () -> new QuicLimits((int) q.integer("max_streams", d.maxStreams(), 1, 1_000_000),
                q.duration("idle_timeout", d.idleTimeout()), q.bytes("max_data", d.maxData(), 1L << 40),
                q.bytes("max_stream_data", d.maxStreamData(), 1L << 40), q.bool("address_validation", d.addressValidation()),
                q.bool("early_data", d.earlyData()), congestionControl, q.has("qlog_dir") ? qlogDir(q) : null)));
    }

    /** {@code qlog_dir}: a directory, made if missing, that this process can write to. */
    private static Path qlogDir(ConfigNode q) {
        Path dir = expandHome(q.string("qlog_dir"));
        try {
            return dev.roundtrip.http.h3.QlogDirectory.prepare(dir);
        } catch (IllegalArgumentException e) {
            throw q.error("qlog_dir", "is " + dir + ": " + e.getMessage());
        }
    }

    private static Path expandHome(String p) {
        return p.startsWith("~/") ? Path.of(System.getProperty("user.home"), p.substring(2)) : Path.of(p);
    }

    private static Optional<AdminConfig> admin(ConfigNode n) {
        return n.optChild("admin").map(a -> new AdminConfig(a.onlyKeys("address").address("address")));
    }

    private static HttpLimits limits(ConfigNode n) {
        HttpLimits d = HttpLimits.DEFAULTS;
        if (!n.has("limits")) {
            return d;
        }
        ConfigNode l = n.child("limits").onlyKeys("max_request_line_bytes", "max_header_bytes", "max_body_bytes", "header_read_timeout",
                "idle_timeout", "max_connections", "max_concurrent_streams", "max_resets_per_window", "reset_window");
        return wrap(l.path(), () -> new HttpLimits(
                (int) l.bytes("max_request_line_bytes", d.maxInitialLineBytes(), 1024 * 1024),
                (int) l.bytes("max_header_bytes", d.maxHeaderBytes(), 16 * 1024 * 1024),
                l.bytes("max_body_bytes", d.maxBodyBytes(), Integer.MAX_VALUE),
                l.duration("header_read_timeout", d.headerReadTimeout()),
                l.duration("idle_timeout", d.idleTimeout()),
                (int) l.integer("max_connections", d.maxConnections(), 1, 10_000_000),
                (int) l.integer("max_concurrent_streams", d.maxConcurrentStreams(), 1, 1_000_000),
                (int) l.integer("max_resets_per_window", d.maxResetsPerWindow(), 1, 1_000_000),
                l.duration("reset_window", d.resetWindow())));
    }

    private static WebSocketConfig websocket(ConfigNode n) {
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        if (!n.has("websocket")) {
            return d;
        }
        ConfigNode w = n.child("websocket").onlyKeys("idle_timeout", "max_lifetime", "max_frame_bytes", "max_tunnels");
        return wrap(w.path(), () -> new WebSocketConfig(w.duration("idle_timeout", d.idleTimeout()),
                w.duration("max_lifetime", d.maxLifetime()), (int) w.bytes("max_frame_bytes", d.maxFrameBytes(), 64 * 1024 * 1024),
                (int) w.integer("max_tunnels", d.maxTunnels(), 1, 10_000_000)));
    }

    /** Runs a record constructor, putting its validation errors under {@code path}. */
    private static <T> T wrap(String path, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (EdgeConfigException e) {
            // Getters already name the full path; record constructors name their own field only.
            throw path.isEmpty() || e.field().startsWith(path) ? e : e.under(path);
        } catch (IllegalArgumentException e) {
            throw new EdgeConfigException(path, e.getMessage());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
