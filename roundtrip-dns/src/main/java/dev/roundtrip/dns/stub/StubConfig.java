package dev.roundtrip.dns.stub;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link StubResolver}, validated in one step.
 *
 * @param network where the resolver is reached
 * @param resolver the recursive resolver's address (lab or loopback)
 * @param clock the clock for RTTs and the cache's TTLs
 * @param timeout how long one query waits for an answer
 * @param attempts how many times a query is sent before giving up (each with a new ID)
 * @param askForSteps whether to ask the resolver for its steps (EDNS option {@code StepsOption.CODE})
 * @param maxCacheEntries names kept in the local cache at most
 * @param maxNegativeTtl negative answers are cached at most this long
 */
public record StubConfig(Network network, InetSocketAddress resolver, MonotonicClock clock, Duration timeout,
                         int attempts, boolean askForSteps, int maxCacheEntries, Duration maxNegativeTtl) {
    public StubConfig {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(clock, "clock");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be in 1-10: " + attempts);
        }
        if (maxCacheEntries < 0) {
            throw new IllegalArgumentException("maxCacheEntries must be >= 0 (0 disables the cache): " + maxCacheEntries);
        }
        if (maxNegativeTtl == null || maxNegativeTtl.isNegative()) {
            throw new IllegalArgumentException("maxNegativeTtl must be >= 0: " + maxNegativeTtl);
        }
    }

    /** Defaults: 2 s timeout, 2 attempts, steps asked, 1024 cached names, negative answers kept at most 60 s. */
    public StubConfig(Network network, InetSocketAddress resolver, MonotonicClock clock) {
        this(network, resolver, clock, Duration.ofSeconds(2), 2, true, 1024, Duration.ofSeconds(60));
    }
}
