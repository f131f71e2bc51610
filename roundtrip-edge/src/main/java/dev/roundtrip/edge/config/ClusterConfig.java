package dev.roundtrip.edge.config;

import dev.roundtrip.http.client.PoolSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A group of interchangeable upstream endpoints and how requests are spread over them and
 * protected from their failures.
 *
 * @param name referenced by routes
 * @param endpoints upstream {@code address:port}s (lab or loopback); at least one
 * @param policy how an endpoint is picked
 * @param healthCheck active HTTP health checking, if configured
 * @param outlierDetection passive ejection of failing endpoints
 * @param pool upstream connection pool per worker thread and endpoint (connect and idle timeouts included)
 * @param responseTimeout time from sending the request to the response head (504 after it), then the
 *     longest silence of the upstream while its body is read
 * @param retry which failed requests are tried again on another endpoint, and how many
 *     (for TCP listeners: how many other endpoints a failed connect moves on to)
 * @param proxyProtocol whether TCP listeners send a PROXY protocol header first on each upstream connection
 * @param upstreamProtocol HTTP/1.1 or cleartext HTTP/2 to the endpoints (HTTP listeners)
 */
public record ClusterConfig(String name, List<InetSocketAddress> endpoints, PolicyConfig policy,
        Optional<HealthCheckConfig> healthCheck, OutlierDetectionConfig outlierDetection, PoolSettings pool,
        Duration responseTimeout, RetryConfig retry, ProxyProtocol proxyProtocol, UpstreamProtocol upstreamProtocol) {

    public ClusterConfig {
        endpoints = List.copyOf(endpoints);
        if (name.isBlank()) {
            throw new EdgeConfigException("name", "is empty");
        }
        if (endpoints.isEmpty()) {
            throw new EdgeConfigException("endpoints", "is empty (at least one ADDR:PORT is needed)");
        }
        if (responseTimeout.toMillis() <= 0) {
            throw new EdgeConfigException("timeouts.response", "'" + responseTimeout + "' must be positive");
        }
    }

    /** A cluster without PROXY protocol. */
    public ClusterConfig(String name, List<InetSocketAddress> endpoints, PolicyConfig policy,
            Optional<HealthCheckConfig> healthCheck, OutlierDetectionConfig outlierDetection, PoolSettings pool,
            Duration responseTimeout, RetryConfig retry) {
        this(name, endpoints, policy, healthCheck, outlierDetection, pool, responseTimeout, retry, ProxyProtocol.NONE, UpstreamProtocol.H1);
    }

    /** A cluster speaking HTTP/1.1 upstream. */
    public ClusterConfig(String name, List<InetSocketAddress> endpoints, PolicyConfig policy,
            Optional<HealthCheckConfig> healthCheck, OutlierDetectionConfig outlierDetection, PoolSettings pool,
            Duration responseTimeout, RetryConfig retry, ProxyProtocol proxyProtocol) {
        this(name, endpoints, policy, healthCheck, outlierDetection, pool, responseTimeout, retry, proxyProtocol, UpstreamProtocol.H1);
    }

    /** Defaults for everything but name, endpoints and policy. */
    public static ClusterConfig of(String name, List<InetSocketAddress> endpoints, PolicyConfig policy) {
        return new ClusterConfig(name, endpoints, policy, Optional.empty(), OutlierDetectionConfig.DEFAULTS,
                PoolSettings.DEFAULTS, Duration.ofSeconds(15), RetryConfig.DEFAULTS);
    }

    public ClusterConfig withHealthCheck(HealthCheckConfig hc) {
        return new ClusterConfig(name, endpoints, policy, Optional.of(hc), outlierDetection, pool, responseTimeout, retry, proxyProtocol, upstreamProtocol);
    }

    public ClusterConfig withResponseTimeout(Duration timeout) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, outlierDetection, pool, timeout, retry, proxyProtocol, upstreamProtocol);
    }

    public ClusterConfig withPool(PoolSettings p) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, outlierDetection, p, responseTimeout, retry, proxyProtocol, upstreamProtocol);
    }

    public ClusterConfig withOutlierDetection(OutlierDetectionConfig o) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, o, pool, responseTimeout, retry, proxyProtocol, upstreamProtocol);
    }

    public ClusterConfig withProxyProtocol(ProxyProtocol p) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, outlierDetection, pool, responseTimeout, retry, p, upstreamProtocol);
    }

    public ClusterConfig withUpstreamProtocol(UpstreamProtocol u) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, outlierDetection, pool, responseTimeout, retry, proxyProtocol, u);
    }

    public ClusterConfig withRetry(RetryConfig r) {
        return new ClusterConfig(name, endpoints, policy, healthCheck, outlierDetection, pool, responseTimeout, r, proxyProtocol, upstreamProtocol);
    }
}
