package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.List;
import java.util.function.Predicate;

/**
 * Least request with the power of two choices (Mitzenmacher; Envoy's LEAST_REQUEST): two usable
 * endpoints at random, the one with fewer requests in flight wins. Nearly as good as scanning all,
 * without herding every balancer thread onto the same idle endpoint.
 */
public final class LeastRequestPolicy implements BalancePolicy {

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        return PowerOfTwoChoices.pick(endpoints, usable, Endpoint::activeRequests);
    }
}
