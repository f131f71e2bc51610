package dev.roundtrip.lab.wire;

/** What {@link PathDecision} decided for one packet: deliver it at a time, or drop it for a cause. */
public sealed interface Verdict {

    /** Deliver the packet when the monotonic clock reaches {@code atNanos}. */
    record Deliver(long atNanos) implements Verdict {}

    /** Drop the packet. */
    record Drop(DropCause cause) implements Verdict {}
}
