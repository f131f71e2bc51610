package dev.roundtrip.edge.cluster;

import dev.roundtrip.core.timeline.MonotonicClock;

/**
 * Limits retries to a share of requests, so a sick cluster is not hit by a retry storm (Envoy's
 * {@code retry_budget}, Finagle's {@code RetryBudget}): over a sliding 10-second window, retries
 * may be at most {@code percent}% of requests, and {@code minPerSecond} retries are always allowed
 * each second (so a quiet cluster can still retry). Thread-safe; time comes from the clock.
 */
public final class RetryBudget {
    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    private final double ratio;
    private final int minPerSecond;
    private final MonotonicClock clock;
    private final long[] requests = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];
    private long currentSecond;

    public RetryBudget(double percent, int minPerSecond, MonotonicClock clock) {
        this.ratio = percent / 100.0;
        this.minPerSecond = minPerSecond;
        this.clock = clock;
        this.currentSecond = Math.floorDiv(clock.nanoTime(), BUCKET_NANOS);
    }

    /** Counts one original request (not a retry). */
    public void requestStarted() {
        requestStarted(clock.nanoTime());
    }

    /** Counts one original request (not a retry) that started at {@code nowNanos} on the budget's clock. */
    public synchronized void requestStarted(long nowNanos) {
        advance(nowNanos);
        requests[slot(currentSecond)]++;
    }

    /** Takes one retry from the budget; false when the budget is spent (the caller gives up). */
    public synchronized boolean tryRetry() {
        advance(clock.nanoTime());
        int now = slot(currentSecond);
        long windowRequests = 0;
        long windowRetries = 0;
        for (int i = 0; i < BUCKETS; i++) {
            windowRequests += requests[i];
            windowRetries += retries[i];
        }
        if (retries[now] < minPerSecond || windowRetries + 1 <= ratio * windowRequests) {
            retries[now]++;
            return true;
        }
        return false;
    }

    private void advance(long nowNanos) {
        long second = Math.floorDiv(nowNanos, BUCKET_NANOS);
        if (second <= currentSecond) {
            return;
        }
        long steps = Math.min(second - currentSecond, BUCKETS);
        for (long s = 1; s <= steps; s++) {
            int i = slot(currentSecond + s);
            requests[i] = 0;
            retries[i] = 0;
        }
        currentSecond = second;
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) BUCKETS);
    }
}
