package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Each usable endpoint in turn; an unusable one is skipped, its turn goes to the next. */
public final class RoundRobinPolicy implements BalancePolicy {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        int n = endpoints.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get((start + i) % n);
            if (usable.test(e)) {
                return e;
            }
        }
        return null;
    }
}
