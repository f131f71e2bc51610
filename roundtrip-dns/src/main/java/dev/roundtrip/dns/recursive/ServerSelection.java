package dev.roundtrip.dns.recursive;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses which of a zone's servers to ask first by smoothed RTT, as BIND and Unbound do: the
 * fastest known server first, unknown servers given a small random estimate so each gets tried,
 * and a timeout doubling a server's estimate so it drifts to the back. Pure state, thread-safe.
 */
public final class ServerSelection {
    /** Estimate for a server never measured, in nanoseconds (randomised up to twice this). */
    static final long UNKNOWN_NANOS = 5_000_000;
    private static final long MAX_NANOS = 10_000_000_000L;

    private final ConcurrentHashMap<InetSocketAddress, Long> srtt = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong timeouts = new java.util.concurrent.atomic.AtomicLong();

    /** {@code servers} ordered best first. */
    public List<InetSocketAddress> order(List<InetSocketAddress> servers) {
        List<InetSocketAddress> ordered = new ArrayList<>(servers);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        java.util.Map<InetSocketAddress, Long> estimate = new java.util.HashMap<>();
        for (InetSocketAddress s : servers) {
            Long known = srtt.get(s);
            estimate.put(s, known != null ? known : UNKNOWN_NANOS + random.nextLong(UNKNOWN_NANOS));
        }
        ordered.sort(Comparator.comparingLong(estimate::get));
        return ordered;
    }

    /** A response arrived after {@code rttNanos}: SRTT = 0.7 SRTT + 0.3 RTT. */
    public void success(InetSocketAddress server, long rttNanos) {
        srtt.merge(server, rttNanos, (old, rtt) -> (old * 7 + rtt * 3) / 10);
    }

    /** No response within {@code timeoutNanos}: the estimate doubles, at least to the timeout. */
    public void timeout(InetSocketAddress server, long timeoutNanos) {
        timeouts.incrementAndGet();
        srtt.merge(server, timeoutNanos, (old, t) -> Math.min(MAX_NANOS, Math.max(old * 2, t)));
    }

    /** Upstream queries that timed out so far. */
    public long timeouts() {
        return timeouts.get();
    }

    /** The current estimate for {@code server}, or -1 if it was never measured. */
    public long estimateNanos(InetSocketAddress server) {
        return srtt.getOrDefault(server, -1L);
    }
}
