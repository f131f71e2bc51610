package dev.roundtrip.edge.config;

import java.util.Locale;
import java.util.Set;

/**
 * Which failed requests are tried again on another endpoint. A request that never reached an
 * upstream (connect refused or timed out) is retried whatever its method; one that may have been
 * sent but got no response byte (reset, closed, including the stale keep-alive race) only when its
 * method is idempotent or listed in {@code retryableMethods}. Timeouts and failures after the
 * response started are never retried. The retry budget (Envoy's {@code retry_budget}, Finagle's
 * {@code RetryBudget}) stops retry storms: retries may be {@code budgetPercent}% of requests, plus
 * {@code minRetriesPerSecond}.
 *
 * @param numRetries retries per request
 * @param budgetPercent retries allowed as a percentage of requests
 * @param minRetriesPerSecond retries always allowed per second, whatever the traffic
 * @param retryableMethods methods retried besides GET, HEAD, OPTIONS, PUT, DELETE, TRACE (e.g. POST)
 */
public record RetryConfig(int numRetries, double budgetPercent, int minRetriesPerSecond, Set<String> retryableMethods) {
    public static final RetryConfig DEFAULTS = new RetryConfig(2, 20.0, 10, Set.of());
    public static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    public RetryConfig {
        retryableMethods = Set.copyOf(retryableMethods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
        if (numRetries < 0 || numRetries > 10) {
            throw new EdgeConfigException("num_retries", "'" + numRetries + "' is outside 0-10");
        }
        if (budgetPercent < 0 || budgetPercent > 100) {
            throw new EdgeConfigException("retry_budget.budget_percent", "'" + budgetPercent + "' is outside 0-100");
        }
        if (minRetriesPerSecond < 0) {
            throw new EdgeConfigException("retry_budget.min_retries_per_second", "'" + minRetriesPerSecond + "' is negative");
        }
    }

    /** Whether a request with this method may be sent twice. */
    public boolean mayRepeat(String method) {
        return IDEMPOTENT.contains(method) || retryableMethods.contains(method);
    }
}
