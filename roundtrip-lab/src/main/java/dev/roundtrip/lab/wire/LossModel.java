package dev.roundtrip.lab.wire;

/**
 * How a path of the lab wire loses packets, decided per packet before the rate limiter sees it.
 *
 * <p>Every model draws a fixed number of random numbers per packet (none, one, or two), so for a given
 * seed the loss decisions depend only on the packet's position in the path's sequence, never on timing.
 */
public sealed interface LossModel {

    /** Nothing is lost. */
    record None() implements LossModel {}

    /** Each packet is lost independently with {@code probability} (Bernoulli loss). */
    record Random(double probability) implements LossModel {
        public Random {
            requireProbability("loss.probability", probability);
        }
    }

    /**
     * Bursty loss: a two-state Markov chain (Gilbert-Elliott). In the good state a packet is lost with
     * {@code lossInGood}, in the bad state with {@code lossInBad}; after each packet the chain moves
     * good to bad with {@code pGoodToBad} and bad to good with {@code pBadToGood}, so a stay in the bad
     * state lasts 1/pBadToGood packets on average.
     */
    record GilbertElliott(double pGoodToBad, double pBadToGood, double lossInGood, double lossInBad) implements LossModel {
        public GilbertElliott {
            requireProbability("loss.pGoodToBad", pGoodToBad);
            requireProbability("loss.pBadToGood", pBadToGood);
            requireProbability("loss.lossInGood", lossInGood);
            requireProbability("loss.lossInBad", lossInBad);
            if (pBadToGood == 0 && pGoodToBad > 0) {
                throw new IllegalArgumentException("loss.pBadToGood is 0 while loss.pGoodToBad is " + pGoodToBad
                        + ": the path would stay in the bad state forever; allowed: pBadToGood in (0, 1]");
            }
        }

        /** Long-run fraction of packets lost: the stationary bad-state share weighted by both loss rates. */
        public double meanLoss() {
            double denominator = pGoodToBad + pBadToGood;
            double bad = denominator == 0 ? 0 : pGoodToBad / denominator;
            return (1 - bad) * lossInGood + bad * lossInBad;
        }
    }

    /** The model that loses nothing. */
    static LossModel none() {
        return new None();
    }

    private static void requireProbability(String key, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(key + " is " + value + ": allowed is a probability in [0, 1]");
        }
    }
}
