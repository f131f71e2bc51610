package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The power of two choices (Mitzenmacher), shared by the least-request and peak-EWMA policies:
 * two distinct usable endpoints at random, the cheaper one wins (the first on a tie). Nearly as good
 * as scanning them all, without herding every balancer thread onto the same endpoint.
 */
final class PowerOfTwoChoices {
    private PowerOfTwoChoices() {}

    /** The cheaper of two random usable endpoints, the only one if one is usable, null if none. */
    static Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, ToDoubleFunction<Endpoint> cost) {
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
            b++; // distinct from a, still uniform
        }
        Endpoint ea = candidates.get(a);
        Endpoint eb = candidates.get(b);
        return cost.applyAsDouble(eb) < cost.applyAsDouble(ea) ? eb : ea;
    }
}
