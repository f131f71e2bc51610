package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Latency-aware picking (Linkerd's default): power of two choices, comparing each endpoint's
 * peak EWMA latency times (requests in flight + 1). A slow endpoint gets less traffic until it
 * recovers; an endpoint not measured yet costs 0 and is tried.
 */
public final class PeakEwmaPolicy implements BalancePolicy {

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        List<Endpoint> candidates = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            if (usable.test(e)) {
                candidates.add(e);
            }
        }
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Endpoint ea = candidates.get(a);
        Endpoint eb = candidates.get(b);
        return cost(eb) < cost(ea) ? eb : ea;
    }

    static double cost(Endpoint e) {
        return e.latency().nanos() * (e.activeRequests() + 1);
    }
}
