package dev.roundtrip.edge.config;

import java.time.Duration;

/**
 * Active health checking: every {@code interval} each endpoint gets {@code GET path}; a 2xx within
 * {@code timeout} is a pass. An endpoint turns unhealthy after {@code unhealthyThreshold}
 * consecutive failures and healthy again after {@code healthyThreshold} consecutive passes.
 */
public record HealthCheckConfig(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
    public static HealthCheckConfig of(String path) {
        return new HealthCheckConfig(path, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3);
    }

    public HealthCheckConfig {
        if (!path.startsWith("/")) {
            throw new EdgeConfigException("path", "'" + path + "' does not start with '/'");
        }
        if (interval.toMillis() <= 0) {
            throw new EdgeConfigException("interval", "'" + interval + "' must be positive");
        }
        if (timeout.toMillis() <= 0) {
            throw new EdgeConfigException("timeout", "'" + timeout + "' must be positive");
        }
        if (healthyThreshold < 1) {
            throw new EdgeConfigException("healthy_threshold", "'" + healthyThreshold + "' must be 1 or more");
        }
        if (unhealthyThreshold < 1) {
            throw new EdgeConfigException("unhealthy_threshold", "'" + unhealthyThreshold + "' must be 1 or more");
        }
    }
}
