package dev.roundtrip.lab.wire;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire's per-path decision, driven with a fake clock (plain nanosecond values). */
class PathDecisionTest {
    private static final long MS = 1_000_000;

    @Test
    void idealPathDeliversImmediately() {
        PathDecision decision = new PathDecision(PathSpec.IDEAL, 1);
        assertThat(decision.decide(1500, 42 * MS)).isEqualTo(new Verdict.Deliver(42 * MS));
    }

    @Test
    void delayIsAddedExactly() {
        PathDecision decision = new PathDecision(PathSpec.delay(Duration.ofMillis(50)), 1);
        assertThat(decision.decide(100, 10 * MS)).isEqualTo(new Verdict.Deliver(60 * MS));
        assertThat(decision.decide(100, 11 * MS)).isEqualTo(new Verdict.Deliver(61 * MS));
    }

    @Test
    void randomLossRateIsWithinBinomialBounds() {
        int n = 100_000;
        double p = 0.1;
        PathDecision decision = new PathDecision(PathSpec.IDEAL.withLoss(new LossModel.Random(p)), 7);
        int lost = 0;
        for (int i = 0; i < n; i++) {
            if (decision.decide(1000, i * MS) instanceof Verdict.Drop(DropCause cause)) {
                assertThat(cause).isEqualTo(DropCause.LOSS);
                lost++;
            }
        }
        double sigma = Math.sqrt(n * p * (1 - p)); // about 95 packets
        assertThat((double) lost).isBetween(n * p - 5 * sigma, n * p + 5 * sigma);
    }

    @Test
    void gilbertElliottLosesInBurstsOfMeanLengthOneOverPBadToGood() {
        // lossless good state, fully lossy bad state: every loss burst is one stay in the bad state
        LossModel.GilbertElliott model = new LossModel.GilbertElliott(0.01, 0.25, 0, 1);
        PathDecision decision = new PathDecision(PathSpec.IDEAL.withLoss(model), 11);
        List<Integer> bursts = new ArrayList<>();
        int run = 0;
        int lost = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            boolean drop = decision.decide(1000, i) instanceof Verdict.Drop;
            if (drop) {
                run++;
                lost++;
            } else if (run > 0) {
                bursts.add(run);
                run = 0;
            }
        }
        double meanBurst = bursts.stream().mapToInt(Integer::intValue).average().orElseThrow();
        // geometric with mean 4, ~1,500 bursts: standard error ~0.09
        assertThat(meanBurst).isBetween(3.5, 4.5);
        assertThat((double) lost / n).isBetween(model.meanLoss() * 0.8, model.meanLoss() * 1.2);
        // independent loss of the same rate would almost never lose two in a row (mean burst ~1.04)
        PathDecision bernoulli = new PathDecision(PathSpec.IDEAL.withLoss(new LossModel.Random(model.meanLoss())), 11);
        int pairs = 0;
        boolean previous = false;
        for (int i = 0; i < n; i++) {
            boolean drop = bernoulli.decide(1000, i) instanceof Verdict.Drop;
            if (drop && previous) {
                pairs++;
            }
            previous = drop;
        }
        assertThat(pairs).isLessThan(lost / 4);
    }

    @Test
    void rateLimitSpacesDeliveriesBySerializationTime() {
        // 12 Mbit/s: a 1500-byte packet takes exactly 1 ms on the link
        PathSpec spec = PathSpec.delay(Duration.ofMillis(5)).withRate(12_000_000, Duration.ofMillis(100));
        PathDecision decision = new PathDecision(spec, 1);
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 10; i++) {
            Verdict verdict = decision.decide(1500, 0); // a burst: all arrive at t=0
            assertThat(verdict).isInstanceOf(Verdict.Deliver.class);
            long at = ((Verdict.Deliver) verdict).atNanos();
            assertThat(at).isEqualTo((i + 1) * MS + 5 * MS);
            if (previous != Long.MIN_VALUE) {
                assertThat(at - previous).isEqualTo(MS);
            }
            previous = at;
        }
    }

    @Test
    void fullQueueDropsTheTail() {
        // 1 ms per packet, queue bound 10 ms: a burst of 30 at once keeps 11 (one on the link, ten queued)
        PathSpec spec = PathSpec.IDEAL.withRate(12_000_000, Duration.ofMillis(10));
        PathDecision decision = new PathDecision(spec, 1);
        int delivered = 0;
        int queueDrops = 0;
        for (int i = 0; i < 30; i++) {
            switch (decision.decide(1500, 0)) {
                case Verdict.Deliver d -> delivered++;
                case Verdict.Drop(DropCause cause) -> {
                    assertThat(cause).isEqualTo(DropCause.QUEUE);
                    queueDrops++;
                }
            }
        }
        assertThat(delivered).isEqualTo(11);
        assertThat(queueDrops).isEqualTo(19);
        // once the queue drained (t = 11 ms), packets pass again
        assertThat(decision.decide(1500, 11 * MS)).isEqualTo(new Verdict.Deliver(12 * MS));
    }

    @Test
    void jitterStaysWithinBoundsAndNeverReorders() {
        PathSpec spec = PathSpec.delay(Duration.ofMillis(20)).withJitter(Duration.ofMillis(10));
        PathDecision decision = new PathDecision(spec, 3);
        long previous = Long.MIN_VALUE;
        boolean heldBack = false;
        for (int i = 0; i < 10_000; i++) {
            long now = i * 100_000L; // one packet every 0.1 ms, far closer than the jitter
            long at = ((Verdict.Deliver) decision.decide(500, now)).atNanos();
            assertThat(at).isGreaterThanOrEqualTo(previous);
            assertThat(at - now).isBetween(10 * MS, 30 * MS);
            heldBack |= at == previous; // its own jitter was earlier: held to leave right after its predecessor
            previous = at;
        }
        assertThat(heldBack).as("jitter this large must have held some packets behind their predecessors").isTrue();
    }

    @Test
    void jitterReordersWhenAllowed() {
        PathSpec spec = PathSpec.delay(Duration.ofMillis(20)).withJitter(Duration.ofMillis(10)).withReorder(true);
        PathDecision decision = new PathDecision(spec, 3);
        long previous = Long.MIN_VALUE;
        int overtaken = 0;
        for (int i = 0; i < 10_000; i++) {
            long now = i * 100_000L;
            long at = ((Verdict.Deliver) decision.decide(500, now)).atNanos();
            assertThat(at - now).isBetween(10 * MS, 30 * MS);
            if (at < previous) {
                overtaken++;
            }
            previous = at;
        }
        assertThat(overtaken).isGreaterThan(1000);
    }

    @Test
    void sameSeedSameDecisionsOtherSeedOtherDecisions() {
        PathSpec spec = PathSpec.delay(Duration.ofMillis(10)).withJitter(Duration.ofMillis(2))
                .withLoss(new LossModel.GilbertElliott(0.05, 0.3, 0.01, 0.5)).withRate(50_000_000, Duration.ofMillis(5));
        List<Verdict> first = run(new PathDecision(spec, PathDecision.seedFor(99, "a", "b")));
        List<Verdict> second = run(new PathDecision(spec, PathDecision.seedFor(99, "a", "b")));
        List<Verdict> reverse = run(new PathDecision(spec, PathDecision.seedFor(99, "b", "a")));
        List<Verdict> otherSeed = run(new PathDecision(spec, PathDecision.seedFor(100, "a", "b")));
        assertThat(second).isEqualTo(first);
        assertThat(reverse).isNotEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    private static List<Verdict> run(PathDecision decision) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            verdicts.add(decision.decide(200 + (i % 7) * 200, i * 50_000L));
        }
        return verdicts;
    }

    @Test
    void invalidSpecsNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> new LossModel.Random(1.5)).hasMessageContaining("loss.probability is 1.5")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> PathSpec.delay(Duration.ofMillis(5)).withJitter(Duration.ofMillis(6)))
                .hasMessageContaining("jitter is PT0.006S");
        assertThatThrownBy(() -> PathSpec.IDEAL.withRate(-1, Duration.ZERO)).hasMessageContaining("rateBitsPerSecond is -1");
        assertThatThrownBy(() -> new LossModel.GilbertElliott(0.1, 0, 0, 1)).hasMessageContaining("pBadToGood");
    }
}
