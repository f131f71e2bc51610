package dev.roundtrip.lab.wire;

import java.lang.foreign.MemorySegment;

/**
 * One packet buffer of the wire: a fixed slice of the off-heap slab plus the packet's length, path and
 * scheduled delivery time. Owned by exactly one thread at a time (reader, then delivery, then reader).
 */
final class Slot {
    final MemorySegment segment;
    int length;
    long dueNanos;
    long sequence;
    PathState path;

    Slot(MemorySegment segment) {
        this.segment = segment;
    }
}
