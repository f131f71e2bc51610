package dev.roundtrip.lab.wire;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of what the lab wire did: per path (one direction, from host to host) the packets seen,
 * delivered and dropped by cause, and the delivery lateness; per host the packets with no known
 * destination and the drops the kernel counted at the host's TUN device.
 *
 * @param paths one entry per direction of every host pair, in host order
 * @param hosts one entry per host, in host order
 * @param lateness lateness over all paths
 * @param noBufferDrops packets dropped because every slot of the wire's packet slab was in flight
 */
public record WireStats(List<PathStats> paths, List<HostStats> hosts, Lateness lateness, long noBufferDrops) {

    public WireStats {
        paths = List.copyOf(paths);
        hosts = List.copyOf(hosts);
    }

    /** The statistics of the path from {@code from} to {@code to}, if both hosts exist. */
    public Optional<PathStats> path(String from, String to) {
        return paths.stream().filter(p -> p.from().equals(from) && p.to().equals(to)).findFirst();
    }

    /** Sum of every path's counters (lateness: see {@link #lateness()}). */
    public PathStats total() {
        long packets = 0, delivered = 0, bytes = 0, loss = 0, queue = 0, write = 0;
        for (PathStats p : paths) {
            packets += p.packets();
            delivered += p.delivered();
            bytes += p.bytesDelivered();
            loss += p.droppedLoss();
            queue += p.droppedQueue();
            write += p.droppedTunWrite();
        }
        return new PathStats("*", "*", packets, delivered, bytes, loss, queue, write, lateness);
    }

    /**
     * One direction of one path.
     *
     * @param packets packets the wire read for this path (delivered + all drops + still in flight)
     * @param delivered packets written into the destination's TUN device
     * @param bytesDelivered their IP bytes
     * @param droppedLoss dropped by the loss model
     * @param droppedQueue dropped by the rate limiter's full queue
     * @param droppedTunWrite dropped because writing into the destination TUN failed
     * @param lateness actual minus scheduled delivery time
     */
    public record PathStats(String from, String to, long packets, long delivered, long bytesDelivered, long droppedLoss,
                            long droppedQueue, long droppedTunWrite, Lateness lateness) {

        /** Fraction of the packets the loss model judged that it dropped (0 when none were judged). */
        public double lossDropRate() {
            return packets == 0 ? 0 : (double) droppedLoss / packets;
        }
    }

    /**
     * One host.
     *
     * @param unknownDestination packets it sent to an address no lab host owns (dropped)
     * @param tunRingDrops packets the kernel dropped because the TUN ring toward the wire was full
     *                     (the device's TX dropped counter inside the host), -1 if it could not be read
     * @param receiveDrops packets the host's kernel dropped after the wire wrote them (RX dropped), -1 if unknown
     */
    public record HostStats(String host, long unknownDestination, long tunRingDrops, long receiveDrops) {}

    /** Lateness summary in nanoseconds; all zero when nothing was delivered. */
    public record Lateness(long count, long p50Nanos, long p99Nanos, long maxNanos) {
        @Override
        public String toString() {
            return "n=%d p50=%.3fms p99=%.3fms max=%.3fms".formatted(count, p50Nanos / 1e6, p99Nanos / 1e6, maxNanos / 1e6);
        }
    }
}
