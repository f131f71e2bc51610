package dev.roundtrip.cli.lab;

import dev.roundtrip.lab.wire.LossModel;
import java.util.Locale;

/** How the lab commands write a path's loss and bandwidth for people. */
final class PathText {
    private PathText() {}

    static String loss(LossModel loss) {
        return switch (loss) {
            case LossModel.None n -> "-";
            case LossModel.Random r -> percent(r.probability());
            case LossModel.GilbertElliott ge -> "bursty ~" + percent(ge.meanLoss());
        };
    }

    static String rate(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            return "-";
        }
        if (bitsPerSecond % 1_000_000_000L == 0) {
            return bitsPerSecond / 1_000_000_000L + " Gbit/s";
        }
        if (bitsPerSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.3g Mbit/s", bitsPerSecond / 1e6);
        }
        return String.format(Locale.ROOT, "%.3g kbit/s", bitsPerSecond / 1e3);
    }

    static String percent(double p) {
        double v = p * 100;
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f%%", v) : String.format(Locale.ROOT, "%.2g%%", v);
    }
}
