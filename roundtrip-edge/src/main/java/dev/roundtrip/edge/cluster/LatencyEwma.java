package dev.roundtrip.edge.cluster;

/**
 * A peak-sensitive exponentially weighted moving average of response times (Finagle's and
 * Linkerd's "peak EWMA"): a sample above the average replaces it at once, one below pulls it down
 * with weight {@code 1 - exp(-elapsed / decay)}, so a slowing endpoint is noticed immediately and
 * forgiven gradually. Thread-safe; time is passed in.
 */
public final class LatencyEwma {
    private final double decayNanos;
    private double costNanos;
    private long lastNanos;
    private boolean sampled;

    public LatencyEwma(long decayNanos) {
        this.decayNanos = decayNanos;
    }

    /** Takes one response time measured at {@code nowNanos}. */
    public synchronized void observe(long rttNanos, long nowNanos) {
        if (!sampled || rttNanos > costNanos) {
            costNanos = rttNanos;
        } else {
            double w = Math.exp(-Math.max(0, nowNanos - lastNanos) / decayNanos);
            costNanos = costNanos * w + rttNanos * (1 - w);
        }
        sampled = true;
        lastNanos = nowNanos;
    }

    /** The average now, or 0 when nothing was observed yet (an unknown endpoint gets tried). */
    public synchronized double nanos() {
        return costNanos;
    }
}
