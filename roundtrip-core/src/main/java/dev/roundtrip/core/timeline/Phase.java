package dev.roundtrip.core.timeline;

/**
 * One phase of a request that happened.
 *
 * @param kind which phase
 * @param startNanos when it started, relative to the start of the call
 * @param durationNanos how long it took
 */
public record Phase(PhaseKind kind, long startNanos, long durationNanos) {
    public Phase {
        if (startNanos < 0 || durationNanos < 0) {
            throw new IllegalArgumentException(kind + ": negative time (start " + startNanos + ", duration " + durationNanos + ")");
        }
    }

    public long endNanos() {
        return startNanos + durationNanos;
    }
}
