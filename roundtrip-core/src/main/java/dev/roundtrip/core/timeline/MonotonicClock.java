package dev.roundtrip.core.timeline;

/**
 * The one source of time for durations, TTLs and timeouts. Production code uses {@link #SYSTEM};
 * tests inject a {@link ManualClock} so that expiry and timing logic can be driven exactly.
 */
@FunctionalInterface
public interface MonotonicClock {
    /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
    long nanoTime();

    MonotonicClock SYSTEM = System::nanoTime;
}
