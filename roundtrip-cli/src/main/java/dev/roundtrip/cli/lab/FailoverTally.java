package dev.roundtrip.cli.lab;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the clients of one balancer saw during the failover experiment: requests by {@link Outcome},
 * latencies of the successful ones, and the balancer's own retry count. Thread-safe accumulation;
 * {@link #row} turns it into the table's row.
 */
final class FailoverTally {
    private final EnumMap<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private long[] latencies = new long[1024];
    private int latencyCount;

    synchronized void record(Outcome outcome, long nanos) {
        counts.merge(outcome, 1L, Long::sum);
        if (outcome == Outcome.OK) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = nanos;
        }
    }

    synchronized long count(Outcome o) {
        return counts.getOrDefault(o, 0L);
    }

    synchronized long requests() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * One row of the result.
     *
     * @param balancer "L4 (tcp)" or "L7 (http)"
     * @param errors failed requests by kind other than resets (closed, timeout, refused, 5xx, other), zero kinds left out
     * @param lbRetries attempts the balancer moved to another endpoint (L4: failed connects; L7: failed requests)
     * @param p50Millis median latency of the successful requests, -1 when there were none
     */
    record Row(String balancer, long requests, long ok, long resets, Map<String, Long> errors, long lbRetries, double p50Millis,
            double p99Millis) {}

    synchronized Row row(String balancer, long lbRetries) {
        Map<String, Long> errors = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.OK && o != Outcome.RESET && count(o) > 0) {
                errors.put(o.label, count(o));
            }
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new Row(balancer, requests(), count(Outcome.OK), count(Outcome.RESET), errors, lbRetries,
                percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99));
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds; -1 for no samples. */
    static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
