package dev.roundtrip.lab.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatenessHistogramTest {

    @Test
    void percentilesWithinOnePercent() {
        LatenessHistogram histogram = new LatenessHistogram();
        for (int i = 1; i <= 1000; i++) {
            histogram.record(i * 10_000L); // 10 us .. 10 ms
        }
        WireStats.Lateness summary = histogram.summary();
        assertThat(summary.count()).isEqualTo(1000);
        assertThat(summary.p50Nanos()).isBetween(5_000_000L, 5_050_000L);
        assertThat(summary.p99Nanos()).isBetween(9_900_000L, 10_000_000L);
        assertThat(summary.maxNanos()).isEqualTo(10_000_000L);
    }

    @Test
    void bucketBoundsAreConsistent() {
        for (long micros : new long[] {0, 1, 255, 256, 257, 1000, 123_456, 1L << 39}) {
            int index = LatenessHistogram.index(micros);
            assertThat(LatenessHistogram.upperBoundMicros(index)).isGreaterThanOrEqualTo(micros);
            assertThat(LatenessHistogram.upperBoundMicros(index)).isLessThanOrEqualTo((long) (micros * 1.01) + 1);
        }
    }

    @Test
    void emptyIsZero() {
        assertThat(new LatenessHistogram().summary()).isEqualTo(new WireStats.Lateness(0, 0, 0, 0));
    }
}
