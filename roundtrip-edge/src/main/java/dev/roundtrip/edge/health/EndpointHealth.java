package dev.roundtrip.edge.health;

import dev.roundtrip.edge.config.HealthCheckConfig;
import dev.roundtrip.edge.config.OutlierDetectionConfig;

/**
 * Whether one endpoint may get traffic, from two sources: active health checks (thresholds of
 * consecutive passes and failures) and passive ejection (consecutive connect failures or 5xx
 * answers of real requests eject it for a backoff time that grows with each ejection). A pure
 * state machine: every method takes the time, so tests drive it with a manual clock.
 *
 * <p>Thread-safe: requests on every event loop report into it.
 */
public final class EndpointHealth {
    /** What a state change was, for logs and metrics; NONE when nothing changed. */
    public enum Change { NONE, BECAME_UNHEALTHY, BECAME_HEALTHY, EJECTED }

    private final HealthCheckConfig check; // may be null: no active checks
    private final OutlierDetectionConfig outlier;
    private boolean activeHealthy = true;
    private int passes;
    private int failures;
    private int consecutiveRequestFailures;
    private long ejectedUntilNanos = Long.MIN_VALUE;
    private int ejections;
    private volatile boolean available = true;

    public EndpointHealth(HealthCheckConfig check, OutlierDetectionConfig outlier) {
        this.check = check;
        this.outlier = outlier;
    }

    /** Whether the endpoint may get a request now. */
    public synchronized boolean isAvailable(long nowNanos) {
        boolean a = activeHealthy && nowNanos >= ejectedUntilNanos;
        available = a;
        return a;
    }

    /** The answer of the last {@link #isAvailable} call, without taking the lock (for metrics). */
    public boolean lastKnownAvailable() {
        return available;
    }

    public synchronized boolean isEjected(long nowNanos) {
        return nowNanos < ejectedUntilNanos;
    }

    public synchronized boolean activeHealthy() {
        return activeHealthy;
    }

    /** Times this endpoint has been ejected. */
    public synchronized int ejections() {
        return ejections;
    }

    /** One active health check result. */
    public synchronized Change checkResult(boolean passed) {
        if (check == null) {
            return Change.NONE;
        }
        if (passed) {
            failures = 0;
            passes++;
            if (!activeHealthy && passes >= check.healthyThreshold()) {
                activeHealthy = true;
                consecutiveRequestFailures = 0;
                return Change.BECAME_HEALTHY;
            }
        } else {
            passes = 0;
            failures++;
            if (activeHealthy && failures >= check.unhealthyThreshold()) {
                activeHealthy = false;
                return Change.BECAME_UNHEALTHY;
            }
        }
        return Change.NONE;
    }

    /** A real request got a response that was not a gateway failure (anything but 5xx). */
    public synchronized void requestSucceeded() {
        consecutiveRequestFailures = 0;
    }

    /**
     * A real request failed to connect, broke, or got a 5xx. Ejects the endpoint when it reached
     * the threshold and {@code mayEject} (the cluster's max-ejection-percent allows one more).
     */
    public synchronized Change requestFailed(long nowNanos, boolean mayEject) {
        consecutiveRequestFailures++;
        if (consecutiveRequestFailures >= outlier.consecutiveFailures() && nowNanos >= ejectedUntilNanos && mayEject) {
            ejections++;
            consecutiveRequestFailures = 0;
            ejectedUntilNanos = nowNanos + outlier.baseEjectionTime().toNanos() * Math.min(ejections, 10);
            available = false;
            return Change.EJECTED;
        }
        return Change.NONE;
    }
}
