package dev.roundtrip.lab.wire;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of delivery lateness (actual minus scheduled delivery time) for one lab path, written by
 * the wire's delivery thread and read by any thread taking a {@link WireStats} snapshot.
 *
 * <p>Buckets are 1 microsecond wide below 256 us, then 128 per power of two (under 1% relative error),
 * up to about 12 days; values are clamped into that range.
 */
public final class LatenessHistogram {
    private static final int LINEAR = 256;
    private static final int SUB_BUCKETS = 128;
    private static final int MAX_EXPONENT = 40;
    private static final int BUCKETS = LINEAR + (MAX_EXPONENT - 8 + 1) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private volatile long maxNanos;

    /** Records one lateness; negative values (never produced by the wire) count as zero. Single writer. */
    public void record(long latenessNanos) {
        long nanos = Math.max(0, latenessNanos);
        int index = index(nanos / 1000);
        counts.setOpaque(index, counts.getPlain(index) + 1);
        if (nanos > maxNanos) {
            maxNanos = nanos;
        }
    }

    /** Adds every count of {@code other} into this histogram (for totals over paths). */
    void addAll(LatenessHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            long c = other.counts.getOpaque(i);
            if (c != 0) {
                counts.setOpaque(i, counts.getPlain(i) + c);
            }
        }
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    /** The count, p50, p99 and max recorded so far. */
    public WireStats.Lateness summary() {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.getOpaque(i);
            total += snapshot[i];
        }
        long max = maxNanos;
        return new WireStats.Lateness(total, percentile(snapshot, total, 0.50, max), percentile(snapshot, total, 0.99, max), max);
    }

    private static long percentile(long[] snapshot, long total, double q, long max) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(max, upperBoundMicros(i) * 1000);
            }
        }
        return max;
    }

    static int index(long micros) {
        if (micros < LINEAR) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) ((micros >>> (exponent - 7)) & (SUB_BUCKETS - 1));
        return LINEAR + (exponent - 8) * SUB_BUCKETS + sub;
    }

    /** The largest microsecond value that falls into bucket {@code index}. */
    static long upperBoundMicros(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB_BUCKETS + 8;
        int sub = (index - LINEAR) % SUB_BUCKETS;
        long width = 1L << (exponent - 7);
        return (1L << exponent) + (long) sub * width + width - 1;
    }
}
