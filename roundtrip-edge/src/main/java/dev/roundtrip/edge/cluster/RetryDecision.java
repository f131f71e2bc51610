package dev.roundtrip.edge.cluster;

import dev.roundtrip.edge.config.RetryConfig;
import dev.roundtrip.http.client.UpstreamFailure;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What to do after an upstream attempt failed: try another endpoint, or answer the client with a
 * gateway error. {@link #decide} is a pure function of the failure, the method, the attempts made
 * and whether the budget allows one more; the proxy does the I/O.
 */
public sealed interface RetryDecision {

    /** Send the request again, to another endpoint when there is one. */
    record Retry() implements RetryDecision {}

    /**
     * Answer the client.
     *
     * @param status 502, 503 or 504
     * @param reason why there was no retry, appended to the error body (empty when a retry was not even a question)
     */
    record GiveUp(HttpResponseStatus status, String reason) implements RetryDecision {}

    /**
     * Decides after attempt number {@code attempts} (1 for the first) failed.
     *
     * @param staleRace the attempt used a pooled connection that broke before any response byte:
     *     the upstream most likely closed it while idle (the keep-alive race), not because it is
     *     sick, so one such retry per request does not draw on the budget (as Go's and OkHttp's
     *     clients retry it silently)
     * @param budgetAllows asked only when everything else allows a retry (it consumes budget)
     */
    static RetryDecision decide(UpstreamFailure.Kind kind, String method, int attempts, RetryConfig config,
            boolean staleRace, java.util.function.BooleanSupplier budgetAllows) {
        HttpResponseStatus status = switch (kind) {
            case RESPONSE_TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case POOL_FULL -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.BAD_GATEWAY;
        };
        if (kind.responseStarted()) {
            return new GiveUp(status, "");
        }
        if (kind.requestMayHaveBeenSent() && !config.mayRepeat(method)) {
            return new GiveUp(status, method + " is not idempotent, so it is not retried");
        }
        if (staleRace && kind == UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE) {
            return new Retry();
        }
        if (attempts > config.numRetries()) {
            return new GiveUp(status, "gave up after " + attempts + " attempts");
        }
        if (!budgetAllows.getAsBoolean()) {
            return new GiveUp(status, "retry budget exhausted");
        }
        return new Retry();
    }
}
