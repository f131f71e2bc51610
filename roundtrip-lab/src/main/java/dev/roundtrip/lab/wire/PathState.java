package dev.roundtrip.lab.wire;

import dev.roundtrip.lab.tun.TunDevice;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * The wire's live state of one direction of one path: its decision (reader thread), its queue of
 * packets waiting for their delivery time (delivery thread), and its counters (one writer each).
 */
final class PathState {
    static final Comparator<Slot> BY_DUE = Comparator.<Slot>comparingLong(s -> s.dueNanos).thenComparingLong(s -> s.sequence);

    final int id;
    final String from;
    final String to;
    final TunDevice destination;
    final PathDecision decision;
    final LatenessHistogram lateness = new LatenessHistogram();
    /** FIFO when the path never reorders (delivery times are then non-decreasing), else ordered by due time. */
    final Queue<Slot> waiting;
    final boolean reorder;
    /** Due time of the queue's head while this path sits in the delivery heap. */
    long headDueNanos;

    // written by the reader thread
    volatile long packets;
    volatile long droppedLoss;
    volatile long droppedQueue;
    // written by the delivery thread
    volatile long delivered;
    volatile long bytesDelivered;
    volatile long droppedTunWrite;

    PathState(int id, String from, String to, TunDevice destination, PathDecision decision) {
        this.id = id;
        this.from = from;
        this.to = to;
        this.destination = destination;
        this.decision = decision;
        this.reorder = decision.spec().reorder();
        this.waiting = reorder ? new PriorityQueue<>(BY_DUE) : new ArrayDeque<>();
    }

    WireStats.PathStats stats() {
        return new WireStats.PathStats(from, to, packets, delivered, bytesDelivered, droppedLoss, droppedQueue,
                droppedTunWrite, lateness.summary());
    }
}
