package dev.roundtrip.lab.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded single-producer single-consumer ring of packet slots: the wire's reader thread hands
 * decided packets to the delivery thread through one, and gets delivered slots back through another.
 */
final class SlotRing {
    private final Slot[] items;
    private final int mask;
    private final AtomicLong head = new AtomicLong(); // next position to take (consumer)
    private final AtomicLong tail = new AtomicLong(); // next position to fill (producer)

    SlotRing(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        items = new Slot[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
    }

    /** Producer only. False when full. */
    boolean offer(Slot slot) {
        long t = tail.getPlain();
        if (t - head.getAcquire() == items.length) {
            return false;
        }
        items[(int) (t & mask)] = slot;
        tail.setRelease(t + 1);
        return true;
    }

    /** Consumer only. Null when empty. */
    Slot poll() {
        long h = head.getPlain();
        if (h == tail.getAcquire()) {
            return null;
        }
        int index = (int) (h & mask);
        Slot slot = items[index];
        items[index] = null;
        head.setRelease(h + 1);
        return slot;
    }
}
