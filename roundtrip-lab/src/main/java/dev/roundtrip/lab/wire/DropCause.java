package dev.roundtrip.lab.wire;

/** Why the lab wire did not deliver a packet; each cause has its own counter in {@link WireStats}. */
public enum DropCause {
    /** The path's loss model chose to lose it. */
    LOSS,
    /** The path's rate limiter queue was full (drop-tail). */
    QUEUE,
    /** Writing it into the destination host's TUN device failed. */
    TUN_WRITE
}
