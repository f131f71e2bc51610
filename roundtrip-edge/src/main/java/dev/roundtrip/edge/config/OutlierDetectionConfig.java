package dev.roundtrip.edge.config;

import java.time.Duration;

/**
 * Passive ejection (Envoy's outlier detection): after {@code consecutiveFailures} connect failures
 * or 5xx answers in a row an endpoint is ejected for {@code baseEjectionTime} times the number of
 * times it has been ejected (backoff), then gets traffic again. At most
 * {@code maxEjectionPercent} of a cluster's endpoints (and at least one) are ejected at once.
 */
public record OutlierDetectionConfig(int consecutiveFailures, Duration baseEjectionTime, int maxEjectionPercent) {
    public static final OutlierDetectionConfig DEFAULTS = new OutlierDetectionConfig(5, Duration.ofSeconds(10), 50);

    public OutlierDetectionConfig {
        if (consecutiveFailures < 1) {
            throw new EdgeConfigException("consecutive_failures", "'" + consecutiveFailures + "' must be 1 or more");
        }
        if (baseEjectionTime.toMillis() <= 0) {
            throw new EdgeConfigException("base_ejection_time", "'" + baseEjectionTime + "' must be positive");
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new EdgeConfigException("max_ejection_percent", "'" + maxEjectionPercent + "' is outside 0-100");
        }
    }
}
