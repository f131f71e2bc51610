package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.core.timeline.ServerTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestTimingTest {
    @Test
    void addsUpDatabaseCallsWithinTheAppTime() {
        ManualClock clock = new ManualClock();
        RequestTiming timing = new RequestTiming(clock, clock.nanoTime());
        timing.poolWaitNanos(1_500_000);
        timing.queryNanos(2_000_000);
        timing.poolWaitNanos(250_000);
        timing.queryNanos(1_000_000);
        clock.advance(Duration.ofMillis(10));
        assertThat(timing.headerValue()).isEqualTo("app;dur=10.000, db;dur=3.000;desc=\"2 calls\", db-pool;dur=1.750");
        assertThat(ServerTiming.parse(java.util.List.of(timing.headerValue())))
                .extracting(ServerTiming::name).containsExactly("app", "db", "db-pool");
    }

    @Test
    void aRequestThatNeverQueriedSaysSo() {
        ManualClock clock = new ManualClock();
        RequestTiming timing = new RequestTiming(clock, clock.nanoTime());
        clock.advance(Duration.ofMillis(1));
        assertThat(timing.headerValue()).isEqualTo("app;dur=1.000, db;dur=0.000;desc=\"0 calls\", db-pool;dur=0.000");
    }
}
