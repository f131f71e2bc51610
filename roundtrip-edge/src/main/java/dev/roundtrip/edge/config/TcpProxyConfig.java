package dev.roundtrip.edge.config;

import java.time.Duration;

/**
 * What a listener in TCP mode does instead of routing HTTP requests (Envoy's {@code tcp_proxy}
 * filter): every accepted connection goes to one endpoint of {@code cluster}, and bytes are relayed
 * both ways unchanged, TLS included, until either side closes or nothing moves for
 * {@code idleTimeout}.
 *
 * @param cluster the cluster whose endpoints get the connections
 * @param idleTimeout how long a connection may carry no byte in either direction before both sides are closed
 */
public record TcpProxyConfig(String cluster, Duration idleTimeout) {
    /** HAProxy's and Envoy's TCP proxies default to about an hour; long-lived protocols rely on it. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    public TcpProxyConfig {
        if (cluster == null || cluster.isBlank()) {
            throw new EdgeConfigException("cluster", "is missing (a tcp listener sends every connection to one cluster)");
        }
        if (idleTimeout.toMillis() <= 0) {
            throw new EdgeConfigException("idle_timeout", "'" + idleTimeout + "' must be positive");
        }
    }
}
