package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Least request with the power of two choices (Mitzenmacher; Envoy's LEAST_REQUEST): two usable
 * endpoints at random, the one with fewer requests in flight wins. Nearly as good as scanning all,
 * without herding every balancer thread onto the same idle endpoint.
 */
public final class LeastRequestPolicy implements BalancePolicy {

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        List<Endpoint> candidates = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            if (usable.test(e)) {
                candidates.add(e);
            }
        }
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return candidates.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Endpoint ea = candidates.get(a);
        Endpoint eb = candidates.get(b);
        return eb.activeRequests() < ea.activeRequests() ? eb : ea;
    }
}
