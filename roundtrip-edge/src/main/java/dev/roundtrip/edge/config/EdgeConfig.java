package dev.roundtrip.edge.config;

import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole load balancer, in Envoy's model: listeners (address, TLS, protocols) hold routes
 * (host and path-prefix match), routes name clusters, clusters hold endpoints and their policy,
 * health check, pool, timeouts and retry policy. Immutable; validated as a whole here (every route
 * names a cluster that exists, names are unique, a TCP listener's cluster has a policy that works
 * without HTTP), field by field in each record.
 *
 * @param listeners where clients connect; at least one
 * @param clusters the upstream groups routes send to; at least one
 * @param admin where {@code /metrics} and {@code /healthz} are served, if anywhere
 * @param limits limits applied to every downstream connection
 * @param workers event loop threads; 0 means one per available CPU
 * @param accessLog whether to log one line per request (logger {@code dev.roundtrip.edge.access})
 * @param websocket limits of WebSocket tunnels
 * @param transport the event loops' transport; empty means the platform's best ({@link Transport#best()})
 */
public record EdgeConfig(List<ListenerConfig> listeners, List<ClusterConfig> clusters, Optional<AdminConfig> admin,
        HttpLimits limits, int workers, boolean accessLog, WebSocketConfig websocket, Optional<Transport> transport) {

    /** The values {@code transport} takes in a configuration file or on the command line. */
    public static final String TRANSPORTS = "auto, " + java.util.Arrays.stream(Transport.values()).map(Transport::configName)
            .sorted().collect(java.util.stream.Collectors.joining(", "));

    /** With the default WebSocket limits and transport. */
    public EdgeConfig(List<ListenerConfig> listeners, List<ClusterConfig> clusters, Optional<AdminConfig> admin,
            HttpLimits limits, int workers, boolean accessLog) {
        this(listeners, clusters, admin, limits, workers, accessLog, WebSocketConfig.DEFAULTS, Optional.empty());
    }

    /**
     * The transport named {@code name}: {@code auto} (empty: the platform's best) or one of
     * {@link Transport#configName()}; {@code key} names the setting in the error.
     */
    public static Optional<Transport> parseTransport(String key, String name) {
        if ("auto".equals(name)) {
            return Optional.empty();
        }
        return Optional.of(Transport.named(name).orElseThrow(() ->
                new EdgeConfigException(key, "'" + name + "' is not a transport (allowed: " + TRANSPORTS + ")")));
    }

    public EdgeConfig {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
        if (listeners.isEmpty()) {
            throw new EdgeConfigException("listeners", "is empty (at least one listener is needed)");
        }
        if (clusters.isEmpty()) {
            throw new EdgeConfigException("clusters", "is empty (at least one cluster is needed)");
        }
        if (workers < 0) {
            throw new EdgeConfigException("workers", "'" + workers + "' is negative (allowed: 0 for one per CPU, or a thread count)");
        }
        Set<String> clusterNames = new HashSet<>();
        for (int i = 0; i < clusters.size(); i++) {
            if (!clusterNames.add(clusters.get(i).name())) {
                throw new EdgeConfigException("clusters[" + i + "].name", "'" + clusters.get(i).name() + "' is used twice (names must be unique)");
            }
        }
        Set<String> listenerNames = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig l = listeners.get(i);
            if (!listenerNames.add(l.name())) {
                throw new EdgeConfigException("listeners[" + i + "].name", "'" + l.name() + "' is used twice (names must be unique)");
            }
            for (int r = 0; r < l.routes().size(); r++) {
                String cluster = l.routes().get(r).cluster();
                if (!clusterNames.contains(cluster)) {
                    throw new EdgeConfigException("listeners[" + i + "].routes[" + r + "].cluster",
                            "'" + cluster + "' is not a cluster (allowed: " + String.join(", ", clusterNames.stream().sorted().toList()) + ")");
                }
                if (clusterByName(clusters, cluster).policy() instanceof PolicyConfig.HashSourceIp) {
                    throw new EdgeConfigException("listeners[" + i + "].routes[" + r + "].cluster", "'" + cluster
                            + "' hashes on hash:source-ip, which only listeners in mode tcp apply (allowed for HTTP routes: " + PolicyConfig.ALLOWED
                            .replace(", hash:source-ip", "") + ")");
                }
            }
            if (l.tcpProxy().isPresent()) {
                checkTcpCluster(clusters, clusterNames, l.tcpProxy().get().cluster(), "listeners[" + i + "].cluster");
            }
        }
    }

    /** A TCP listener's cluster exists and its policy does not need HTTP (checked here: the listener is parsed before the clusters are known). */
    private static void checkTcpCluster(List<ClusterConfig> clusters, Set<String> names, String cluster, String at) {
        if (!names.contains(cluster)) {
            throw new EdgeConfigException(at, "'" + cluster + "' is not a cluster (allowed: " + String.join(", ", names.stream().sorted().toList()) + ")");
        }
        PolicyConfig policy = clusterByName(clusters, cluster).policy();
        if (policy.needsHttp()) {
            String spelled = policy instanceof PolicyConfig.HashHeader h ? "hash:header:" + h.header() : "hash:cookie:" + ((PolicyConfig.HashCookie) policy).cookie();
            throw new EdgeConfigException(at, "cluster '" + cluster + "' has policy " + spelled
                    + ", but a listener in mode tcp never reads headers or cookies (allowed at L4: " + PolicyConfig.ALLOWED_L4 + ")");
        }
    }

    private static ClusterConfig clusterByName(List<ClusterConfig> clusters, String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    public EdgeConfig withWebSocket(WebSocketConfig ws) {
        return new EdgeConfig(listeners, clusters, admin, limits, workers, accessLog, ws, transport);
    }

    public EdgeConfig withTransport(Optional<Transport> t) {
        return new EdgeConfig(listeners, clusters, admin, limits, workers, accessLog, websocket, t);
    }

    /** How many event loop threads run the listeners: {@link #workers()}, or one per available CPU. */
    public int workerThreads() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    /** The transport to run on: the one configured, or the platform's best. */
    public Transport transportOrBest() {
        return transport.orElseGet(Transport::best);
    }

    /** The cluster named {@code name}. */
    public ClusterConfig cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cluster " + name));
    }
}
