package dev.roundtrip.lab.wire;

import java.util.SplittableRandom;

/**
 * The pure decision of one direction of one lab path: given a packet's size and arrival time, when to
 * deliver it or why to drop it. The wire's reader thread asks it once per packet; unit tests drive it
 * with a fake clock.
 *
 * <p>Order of decisions: the loss model first (it draws from its own random stream, so the same seed
 * loses the same packets whatever the timing), then the rate limiter's drop-tail queue, then delay and
 * jitter (from a second random stream). Not thread-safe: one thread owns each instance.
 */
public final class PathDecision {
    private final PathSpec spec;
    private final SplittableRandom lossRandom;
    private final SplittableRandom jitterRandom;
    private final long delayNanos;
    private final long jitterNanos;
    private final long queueLimitNanos;
    private final double nanosPerByte;

    private boolean bad;
    private long linkFreeAtNanos = Long.MIN_VALUE;
    private long lastDeliverNanos = Long.MIN_VALUE;

    /**
     * @param spec what the path does
     * @param seed seed of this path's random streams (derive it from the run's seed and the path, see
     *             {@link #seedFor(long, String, String)})
     */
    public PathDecision(PathSpec spec, long seed) {
        this.spec = spec;
        SplittableRandom root = new SplittableRandom(seed);
        this.lossRandom = root.split();
        this.jitterRandom = root.split();
        this.delayNanos = spec.delay().toNanos();
        this.jitterNanos = spec.jitter().toNanos();
        this.queueLimitNanos = spec.queueLimit().toNanos();
        this.nanosPerByte = spec.rateBitsPerSecond() == 0 ? 0 : 8e9 / spec.rateBitsPerSecond();
    }

    /** A path's seed: the run's seed mixed with the direction's host names, stable across JVMs. */
    public static long seedFor(long runSeed, String fromHost, String toHost) {
        long h = runSeed;
        for (char c : (fromHost + "\u0000" + toHost).toCharArray()) {
            h = (h ^ c) * 0x100000001b3L; // FNV-1a style mixing; String.hashCode would do but is only 32 bits
        }
        return h;
    }

    public PathSpec spec() {
        return spec;
    }

    /**
     * Decides the fate of one packet.
     *
     * @param sizeBytes the IP packet's length
     * @param nowNanos its arrival time on the monotonic clock; calls come in non-decreasing time order
     */
    public Verdict decide(int sizeBytes, long nowNanos) {
        if (lost()) {
            return new Verdict.Drop(DropCause.LOSS);
        }
        long departNanos = nowNanos;
        if (nanosPerByte > 0) {
            long start = Math.max(nowNanos, linkFreeAtNanos);
            if (start - nowNanos > queueLimitNanos) {
                return new Verdict.Drop(DropCause.QUEUE);
            }
            departNanos = start + (long) Math.ceil(sizeBytes * nanosPerByte);
            linkFreeAtNanos = departNanos;
        }
        long deliverNanos = departNanos + delayNanos;
        if (jitterNanos > 0) {
            deliverNanos += jitterRandom.nextLong(-jitterNanos, jitterNanos + 1);
        }
        deliverNanos = Math.max(deliverNanos, departNanos); // jitter never makes a packet early
        if (!spec.reorder()) {
            deliverNanos = Math.max(deliverNanos, lastDeliverNanos); // FIFO: never overtake the previous one
        }
        lastDeliverNanos = Math.max(lastDeliverNanos, deliverNanos);
        return new Verdict.Deliver(deliverNanos);
    }

    private boolean lost() {
        return switch (spec.loss()) {
            case LossModel.None none -> false;
            case LossModel.Random r -> lossRandom.nextDouble() < r.probability();
            case LossModel.GilbertElliott ge -> {
                boolean lost = lossRandom.nextDouble() < (bad ? ge.lossInBad() : ge.lossInGood());
                double move = lossRandom.nextDouble();
                bad = bad ? move >= ge.pBadToGood() : move < ge.pGoodToBad();
                yield lost;
            }
        };
    }
}
