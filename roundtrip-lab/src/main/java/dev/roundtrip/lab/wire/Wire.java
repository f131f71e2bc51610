package dev.roundtrip.lab.wire;

import dev.roundtrip.lab.tun.EventFd;
import dev.roundtrip.lab.tun.Libc;
import dev.roundtrip.lab.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The lab's user-space wire: the I/O layer that moves IP packets between the hosts' TUN devices, asking
 * each path's {@link PathDecision} when to deliver or why to drop.
 *
 * <p>Two platform threads. The reader polls every TUN fd plus an eventfd (written to stop it), reads
 * packets straight into slices of one off-heap slab, finds the destination host by the address read in
 * place (IPv4 offset 16, IPv6 offset 24), decides, and hands the slot to the delivery thread. The
 * delivery thread keeps one FIFO per path (ordered by due time when the path may reorder) and a heap
 * of paths by their head's due time; it parks until about {@value #SPIN_NANOS} ns before the next due
 * time, spins the rest, and writes the packet into the destination's TUN device. Both threads run with
 * a 1 ns timer slack and, where permitted, nice {@value #WIRE_NICE}.
 */
public final class Wire implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wire.class);
    /** Packets in flight across all paths; at 1.4 Gbit/s and 50 ms one way about 6,000 are. */
    private static final int SLOTS = 16384;
    /** Every lab device has MTU 1500; a slot holds one packet of at most this many bytes. */
    private static final int SLOT_BYTES = 2048;
    private static final int READ_BATCH = 64;
    private static final long SPIN_NANOS = 300_000;
    /**
     * Nice value of both wire threads: the wire is the network, so it should win the CPU over the hosts'
     * programs (and other work on a busy machine); ignored when not permitted.
     */
    private static final int WIRE_NICE = -10;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** One host on the wire: its name, its TUN device and the addresses packets to it carry. */
    public record Endpoint(String host, TunDevice device, List<InetAddress> addresses) {
        public Endpoint {
            addresses = List.copyOf(addresses);
        }
    }

    /** Drop counters the kernel keeps at a host's TUN device (read inside the host), -1 when unknown. */
    public record DeviceDrops(long tunRing, long receive) {
        public static final DeviceDrops UNKNOWN = new DeviceDrops(-1, -1);
    }

    private final List<Endpoint> endpoints;
    private final PathState[][] paths;
    private final List<PathState> pathList = new ArrayList<>();
    private final int[] v4Addresses;
    private final int[] v4Hosts;
    private final long[] v6High;
    private final long[] v6Low;
    private final int[] v6Hosts;
    private final AtomicLongArray unknownDestination;
    private volatile long noBufferDrops;

    private final Arena slabArena = Arena.ofShared();
    private final Slot[] slots = new Slot[SLOTS];
    private final SlotRing handoff = new SlotRing(SLOTS);
    private final SlotRing returned = new SlotRing(SLOTS);
    private final EventFd stopSignal;
    private volatile boolean running = true;
    private final Thread reader;
    private final Thread delivery;

    private Wire(List<Endpoint> endpoints, BiFunction<String, String, PathSpec> specs, long seed) throws IOException {
        this.endpoints = List.copyOf(endpoints);
        int n = endpoints.size();
        this.paths = new PathState[n][n];
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (from == to) {
                    continue;
                }
                String a = endpoints.get(from).host();
                String b = endpoints.get(to).host();
                PathSpec spec = specs.apply(a, b);
                if (spec == null) {
                    throw new IllegalArgumentException("the path table has no PathSpec for " + a + " -> " + b);
                }
                PathState path = new PathState(pathList.size(), a, b, endpoints.get(to).device(),
                        new PathDecision(spec, PathDecision.seedFor(seed, a, b)));
                paths[from][to] = path;
                pathList.add(path);
            }
        }
        List<int[]> v4 = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        for (int host = 0; host < n; host++) {
            for (InetAddress address : endpoints.get(host).addresses()) {
                MemorySegment bytes = MemorySegment.ofArray(address.getAddress());
                if (address instanceof Inet4Address) {
                    v4.add(new int[] {bytes.get(INT, 0), host});
                } else {
                    v6.add(new long[] {bytes.get(LONG, 0), bytes.get(LONG, 8), host});
                }
            }
        }
        v4Addresses = v4.stream().mapToInt(e -> e[0]).toArray();
        v4Hosts = v4.stream().mapToInt(e -> e[1]).toArray();
        v6High = v6.stream().mapToLong(e -> e[0]).toArray();
        v6Low = v6.stream().mapToLong(e -> e[1]).toArray();
        v6Hosts = v6.stream().mapToInt(e -> (int) e[2]).toArray();
        unknownDestination = new AtomicLongArray(n);

        MemorySegment slab = slabArena.allocate((long) SLOTS * SLOT_BYTES, 64);
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot(slab.asSlice((long) i * SLOT_BYTES, SLOT_BYTES));
        }
        stopSignal = EventFd.create();
        reader = Thread.ofPlatform().name("lab-wire-reader").daemon().unstarted(this::readLoop);
        delivery = Thread.ofPlatform().name("lab-wire-delivery").daemon().unstarted(this::deliveryLoop);
    }

    /**
     * Starts moving packets between {@code endpoints}.
     *
     * @param specs the path spec of every ordered host pair (by host name)
     * @param seed  the run's seed; each direction of each path derives its own random streams from it
     */
    public static Wire start(List<Endpoint> endpoints, BiFunction<String, String, PathSpec> specs, long seed) throws IOException {
        Wire wire = new Wire(endpoints, specs, seed);
        wire.delivery.start();
        wire.reader.start();
        return wire;
    }

    /** A snapshot of the counters; {@code deviceDrops} supplies each host's kernel counters. */
    public WireStats stats(Function<String, DeviceDrops> deviceDrops) {
        List<WireStats.PathStats> pathStats = new ArrayList<>();
        LatenessHistogram total = new LatenessHistogram();
        for (PathState path : pathList) {
            pathStats.add(path.stats());
            total.addAll(path.lateness);
        }
        List<WireStats.HostStats> hosts = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String host = endpoints.get(i).host();
            DeviceDrops drops = deviceDrops.apply(host);
            hosts.add(new WireStats.HostStats(host, unknownDestination.get(i), drops.tunRing(), drops.receive()));
        }
        return new WireStats(pathStats, hosts, total.summary(), noBufferDrops);
    }

    /** Stops both threads (the eventfd wakes the reader's poll) and frees the slab. Idempotent. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        stopSignal.signal();
        LockSupport.unpark(delivery);
        boolean stopped = join(reader) & join(delivery);
        stopSignal.close();
        if (stopped) {
            slabArena.close();
        } else {
            log.warn("lab wire threads did not stop within 5 s; leaving the packet slab allocated");
        }
    }

    private static boolean join(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Host index owning the packet's destination address, or -1. */
    private int destination(MemorySegment packet, int length) {
        int version = (packet.get(ValueLayout.JAVA_BYTE, 0) >> 4) & 0xf;
        if (version == 4 && length >= 20) {
            int address = packet.get(INT, 16);
            for (int i = 0; i < v4Addresses.length; i++) {
                if (v4Addresses[i] == address) {
                    return v4Hosts[i];
                }
            }
        } else if (version == 6 && length >= 40) {
            long high = packet.get(LONG, 24);
            long low = packet.get(LONG, 32);
            for (int i = 0; i < v6High.length; i++) {
                if (v6High[i] == high && v6Low[i] == low) {
                    return v6Hosts[i];
                }
            }
        }
        return -1;
    }

    private void readLoop() {
        int n = endpoints.size();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            tuneThread(state);
            MemorySegment pollFds = arena.allocate(Libc.POLLFD, n + 1);
            long stride = Libc.POLLFD.byteSize();
            for (int i = 0; i <= n; i++) {
                pollFds.set(ValueLayout.JAVA_INT, i * stride, i < n ? endpoints.get(i).device().fd() : stopSignal.fd());
                pollFds.set(ValueLayout.JAVA_SHORT, i * stride + 4, Libc.POLLIN);
            }
            ArrayDeque<Slot> free = new ArrayDeque<>(SLOTS);
            for (int i = 1; i < SLOTS; i++) {
                free.push(slots[i]);
            }
            Slot scratch = slots[0]; // read target when every other slot is in flight: the packet is dropped
            long sequence = 0;
            while (running) {
                int ready = Libc.poll(state, pollFds, n + 1, -1);
                if (ready < 0) {
                    int errno = Libc.errno(state);
                    if (errno == Libc.EINTR) {
                        continue;
                    }
                    log.error("lab wire poll failed: {}; the wire stops", Libc.describe(errno));
                    return;
                }
                if (pollFds.get(ValueLayout.JAVA_SHORT, n * stride + 6) != 0) {
                    return; // stop signalled
                }
                boolean handed = false;
                for (int from = 0; from < n; from++) {
                    short revents = pollFds.get(ValueLayout.JAVA_SHORT, from * stride + 6);
                    if (revents == 0) {
                        continue;
                    }
                    TunDevice device = endpoints.get(from).device();
                    if ((revents & Libc.POLLIN) == 0) {
                        log.warn("lab wire: TUN device of {} reports poll events {}; no longer reading it",
                                endpoints.get(from).host(), revents);
                        pollFds.set(ValueLayout.JAVA_INT, from * stride, -1);
                        continue;
                    }
                    for (int k = 0; k < READ_BATCH; k++) {
                        if (free.isEmpty()) {
                            for (Slot back = returned.poll(); back != null; back = returned.poll()) {
                                free.push(back);
                            }
                        }
                        Slot slot = free.isEmpty() ? scratch : free.pop();
                        int length = device.read(state, slot.segment);
                        if (length <= 0) {
                            recycle(free, slot, scratch);
                            if (length < 0) { // a broken device would make poll return at once, forever
                                log.warn("lab wire: reading the TUN device of {} failed: {}; no longer reading it",
                                        endpoints.get(from).host(), Libc.describe(-length));
                                pollFds.set(ValueLayout.JAVA_INT, from * stride, -1);
                            }
                            break;
                        }
                        if (slot == scratch) {
                            noBufferDrops++;
                            continue;
                        }
                        long now = System.nanoTime();
                        int to = destination(slot.segment, length);
                        if (to < 0 || to == from) {
                            unknownDestination.setOpaque(from, unknownDestination.getPlain(from) + 1);
                            free.push(slot);
                            continue;
                        }
                        PathState path = paths[from][to];
                        path.packets++;
                        switch (path.decision.decide(length, now)) {
                            case Verdict.Drop(DropCause cause) -> {
                                if (cause == DropCause.LOSS) {
                                    path.droppedLoss++;
                                } else {
                                    path.droppedQueue++;
                                }
                                free.push(slot);
                            }
                            case Verdict.Deliver(long atNanos) -> {
                                slot.length = length;
                                slot.dueNanos = atNanos;
                                slot.sequence = sequence++;
                                slot.path = path;
                                handoff.offer(slot); // never full: the ring holds every slot
                                handed = true;
                            }
                        }
                    }
                }
                if (handed) {
                    LockSupport.unpark(delivery);
                }
            }
        } catch (RuntimeException e) {
            log.error("lab wire reader failed; the wire stops", e);
        }
    }

    /** 1 ns timer slack (wake-ups on time, not up to 50 us late) and a higher scheduling priority. */
    private static void tuneThread(MemorySegment state) {
        if (Libc.setTimerSlack(state, 1) < 0) {
            log.debug("lab wire: cannot set timer slack: {}", Libc.describe(Libc.errno(state)));
        }
        if (Libc.setThreadNice(state, WIRE_NICE) < 0) {
            log.debug("lab wire: cannot raise priority to nice {}: {}", WIRE_NICE, Libc.describe(Libc.errno(state)));
        }
    }

    private static void recycle(ArrayDeque<Slot> free, Slot slot, Slot scratch) {
        if (slot != scratch) {
            free.push(slot);
        }
    }

    private void deliveryLoop() {
        PriorityQueue<PathState> heap = new PriorityQueue<>(
                Comparator.<PathState>comparingLong(p -> p.headDueNanos).thenComparingInt(p -> p.id));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            tuneThread(state);
            while (running) {
                for (Slot slot = handoff.poll(); slot != null; slot = handoff.poll()) {
                    enqueue(heap, slot);
                }
                PathState next = heap.peek();
                if (next == null) {
                    LockSupport.park(this);
                    continue;
                }
                long now = System.nanoTime();
                long wait = next.headDueNanos - now;
                if (wait > SPIN_NANOS) {
                    LockSupport.parkNanos(this, wait - SPIN_NANOS);
                    continue;
                }
                if (wait > 0) {
                    Thread.onSpinWait();
                    continue;
                }
                heap.poll();
                Slot slot = next.waiting.poll();
                if (!next.waiting.isEmpty()) {
                    next.headDueNanos = next.waiting.peek().dueNanos;
                    heap.add(next);
                }
                int written = next.destination.write(state, slot.segment, slot.length);
                if (written < 0) {
                    next.droppedTunWrite++;
                } else {
                    next.delivered++;
                    next.bytesDelivered += slot.length;
                    next.lateness.record(now - slot.dueNanos);
                }
                slot.path = null;
                returned.offer(slot);
            }
        } catch (RuntimeException e) {
            log.error("lab wire delivery failed; the wire stops", e);
        }
    }

    private static void enqueue(PriorityQueue<PathState> heap, Slot slot) {
        PathState path = slot.path;
        boolean wasEmpty = path.waiting.isEmpty();
        path.waiting.add(slot);
        if (wasEmpty) {
            path.headDueNanos = slot.dueNanos;
            heap.add(path);
        } else if (path.reorder && slot.dueNanos < path.headDueNanos) {
            heap.remove(path);
            path.headDueNanos = slot.dueNanos;
            heap.add(path);
        }
    }
}
