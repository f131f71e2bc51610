package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.config.PolicyConfig;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks the endpoint of a cluster for one request. A pure choice over the endpoints the caller
 * says are usable (healthy, not ejected, not already tried); it never does I/O.
 *
 * <p>Thread-safe: called from every event loop.
 */
public interface BalancePolicy {

    /**
     * @param endpoints the cluster's endpoints, in configuration order
     * @param usable which of them may be picked now
     * @param hashKey the request's hash key for hashing policies (header or cookie value, or the client's IP address), or null
     * @return the endpoint, or null when none is usable
     */
    Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey);

    /** The policy a configuration asks for, over a cluster's endpoints. */
    static BalancePolicy of(PolicyConfig config, List<Endpoint> endpoints) {
        return switch (config) {
            case PolicyConfig.RoundRobin r -> new RoundRobinPolicy();
            case PolicyConfig.LeastRequest l -> new LeastRequestPolicy();
            case PolicyConfig.PeakEwma p -> new PeakEwmaPolicy();
            case PolicyConfig.HashHeader h -> new RingHashPolicy(endpoints);
            case PolicyConfig.HashCookie c -> new RingHashPolicy(endpoints);
            case PolicyConfig.HashSourceIp s -> new RingHashPolicy(endpoints);
        };
    }
}
