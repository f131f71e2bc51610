package dev.roundtrip.lab.wire;

import java.time.Duration;
import java.util.Objects;

/**
 * What the lab wire does to packets travelling one direction of one path (host A to host B):
 * one-way {@code delay} plus uniform {@code jitter} in [-jitter, +jitter], a {@code loss} model,
 * and an optional rate limit with a drop-tail queue.
 *
 * <p>Jitter never reorders packets unless {@code reorder} is true: a packet whose jittered time falls
 * before its predecessor's is held until the predecessor leaves. With {@code rateBitsPerSecond} 0 the
 * path is unlimited and {@code queueLimit} is ignored; otherwise a packet that would wait longer than
 * {@code queueLimit} behind the packets already queued is dropped (drop-tail).
 *
 * @param delay one-way propagation delay, >= 0
 * @param jitter half-width of the uniform jitter, >= 0 and at most {@code delay}
 * @param loss the loss model, decided before the queue
 * @param rateBitsPerSecond link rate in bits per second; 0 means unlimited
 * @param queueLimit longest queueing delay accepted at that rate (drop-tail bound), >= 0
 * @param reorder whether jitter may deliver packets out of order
 */
public record PathSpec(Duration delay, Duration jitter, LossModel loss, long rateBitsPerSecond, Duration queueLimit,
                       boolean reorder) {

    /** No delay, no jitter, no loss, no rate limit: a perfect wire. */
    public static final PathSpec IDEAL = new PathSpec(Duration.ZERO, Duration.ZERO, new LossModel.None(), 0, Duration.ZERO, false);

    public PathSpec {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(queueLimit, "queueLimit");
        if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("delay is " + delay + ": allowed is 0 to 60 s");
        }
        if (jitter.isNegative() || jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException("jitter is " + jitter + ": allowed is 0 to the delay (" + delay + ")");
        }
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rateBitsPerSecond is " + rateBitsPerSecond + ": allowed is 0 (unlimited) or more");
        }
        if (queueLimit.isNegative() || queueLimit.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("queueLimit is " + queueLimit + ": allowed is 0 to 60 s");
        }
    }

    /** A path with only a one-way delay. */
    public static PathSpec delay(Duration delay) {
        return new PathSpec(delay, Duration.ZERO, new LossModel.None(), 0, Duration.ZERO, false);
    }

    /** This path with another loss model. */
    public PathSpec withLoss(LossModel model) {
        return new PathSpec(delay, jitter, model, rateBitsPerSecond, queueLimit, reorder);
    }

    /** This path with another jitter. */
    public PathSpec withJitter(Duration value) {
        return new PathSpec(delay, value, loss, rateBitsPerSecond, queueLimit, reorder);
    }

    /** This path with a rate limit and drop-tail queue bound. */
    public PathSpec withRate(long bitsPerSecond, Duration queue) {
        return new PathSpec(delay, jitter, loss, bitsPerSecond, queue, reorder);
    }

    /** This path allowing (or forbidding) reordering by jitter. */
    public PathSpec withReorder(boolean value) {
        return new PathSpec(delay, jitter, loss, rateBitsPerSecond, queueLimit, value);
    }
}
