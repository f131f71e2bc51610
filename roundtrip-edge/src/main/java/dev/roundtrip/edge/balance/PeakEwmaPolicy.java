package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.List;
import java.util.function.Predicate;

/**
 * Latency-aware picking (Linkerd's default): power of two choices, comparing each endpoint's
 * peak EWMA latency times (requests in flight + 1). A slow endpoint gets less traffic until it
 * recovers; an endpoint not measured yet costs 0 and is tried.
 */
public final class PeakEwmaPolicy implements BalancePolicy {

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        return PowerOfTwoChoices.pick(endpoints, usable, PeakEwmaPolicy::cost);
    }

    static double cost(Endpoint e) {
        return e.latency().nanos() * (e.activeRequests() + 1);
    }
}
