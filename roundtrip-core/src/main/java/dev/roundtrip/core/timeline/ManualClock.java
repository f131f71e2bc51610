package dev.roundtrip.core.timeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: for tests of TTLs, timeouts and timelines. */
public final class ManualClock implements MonotonicClock {
    private final AtomicLong now;

    public ManualClock() {
        this(1_000_000_000L);
    }

    public ManualClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + duration);
        }
        now.addAndGet(duration.toNanos());
    }
}
