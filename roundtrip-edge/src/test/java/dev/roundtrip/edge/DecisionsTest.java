package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.edge.balance.LeastRequestPolicy;
import dev.roundtrip.edge.balance.RingHashPolicy;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.cluster.RetryBudget;
import dev.roundtrip.edge.cluster.RetryDecision;
import dev.roundtrip.edge.config.HealthCheckConfig;
import dev.roundtrip.edge.config.OutlierDetectionConfig;
import dev.roundtrip.edge.config.RetryConfig;
import dev.roundtrip.edge.health.EndpointHealth;
import dev.roundtrip.http.client.UpstreamFailure.Kind;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pure decisions of the edge: retries, the budget, health and ejection, endpoint choice. */
class DecisionsTest {
    static List<Endpoint> endpoints(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Endpoint(i, "c", new InetSocketAddress("198.18.1." + (10 + i), 8080),
                new EndpointHealth(null, OutlierDetectionConfig.DEFAULTS))).toList();
    }

    @Test
    void retryDecisions() {
        RetryConfig cfg = RetryConfig.DEFAULTS;
        assertThat(RetryDecision.decide(Kind.CONNECT_REFUSED, "POST", 1, cfg, false, () -> true)).isInstanceOf(RetryDecision.Retry.class);
        assertThat(RetryDecision.decide(Kind.CLOSED_BEFORE_RESPONSE, "GET", 1, cfg, false, () -> true)).isInstanceOf(RetryDecision.Retry.class);
        assertThat(RetryDecision.decide(Kind.CLOSED_BEFORE_RESPONSE, "POST", 1, cfg, true, () -> true))
                .isEqualTo(new RetryDecision.GiveUp(HttpResponseStatus.BAD_GATEWAY, "POST is not idempotent, so it is not retried"));
        assertThat(RetryDecision.decide(Kind.RESPONSE_TIMEOUT, "GET", 1, cfg, false, () -> true))
                .isEqualTo(new RetryDecision.GiveUp(HttpResponseStatus.GATEWAY_TIMEOUT, ""));
        assertThat(RetryDecision.decide(Kind.CLOSED_DURING_RESPONSE, "GET", 1, cfg, false, () -> true))
                .isEqualTo(new RetryDecision.GiveUp(HttpResponseStatus.BAD_GATEWAY, ""));
        assertThat(RetryDecision.decide(Kind.CONNECT_REFUSED, "GET", 3, cfg, false, () -> true))
                .isEqualTo(new RetryDecision.GiveUp(HttpResponseStatus.BAD_GATEWAY, "gave up after 3 attempts"));
        assertThat(RetryDecision.decide(Kind.CONNECT_REFUSED, "GET", 1, cfg, false, () -> false))
                .isEqualTo(new RetryDecision.GiveUp(HttpResponseStatus.BAD_GATEWAY, "retry budget exhausted"));
        // The keep-alive race does not draw on the budget.
        assertThat(RetryDecision.decide(Kind.CLOSED_BEFORE_RESPONSE, "GET", 1, cfg, true, () -> false)).isInstanceOf(RetryDecision.Retry.class);
    }

    @Test
    void retryBudgetAllowsAPercentagePlusAFloorPerSecond() {
        ManualClock clock = new ManualClock();
        RetryBudget budget = new RetryBudget(20, 2, clock);
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        int allowed = 0;
        while (budget.tryRetry() && allowed < 1000) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(20);
        clock.advance(Duration.ofSeconds(1));
        assertThat(budget.tryRetry()).isTrue(); // the per-second floor
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        clock.advance(Duration.ofSeconds(11)); // the window forgot the old requests
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void passiveEjectionBacksOffAndActiveChecksUseThresholds() {
        EndpointHealth h = new EndpointHealth(new HealthCheckConfig("/h", Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 3),
                new OutlierDetectionConfig(3, Duration.ofSeconds(10), 50));
        long t = 0;
        assertThat(h.requestFailed(t, true)).isEqualTo(EndpointHealth.Change.NONE);
        assertThat(h.requestFailed(t, true)).isEqualTo(EndpointHealth.Change.NONE);
        assertThat(h.requestFailed(t, true)).isEqualTo(EndpointHealth.Change.EJECTED);
        assertThat(h.isAvailable(t + 9_999_000_000L)).isFalse();
        assertThat(h.isAvailable(t + 10_000_000_000L)).isTrue();
        t = 20_000_000_000L;
        h.requestFailed(t, true);
        h.requestFailed(t, true);
        assertThat(h.requestFailed(t, true)).isEqualTo(EndpointHealth.Change.EJECTED);
        assertThat(h.isAvailable(t + 19_000_000_000L)).as("second ejection lasts twice as long").isFalse();
        assertThat(h.isAvailable(t + 20_000_000_000L)).isTrue();

        assertThat(h.checkResult(false)).isEqualTo(EndpointHealth.Change.NONE);
        assertThat(h.checkResult(false)).isEqualTo(EndpointHealth.Change.NONE);
        assertThat(h.checkResult(false)).isEqualTo(EndpointHealth.Change.BECAME_UNHEALTHY);
        assertThat(h.isAvailable(Long.MAX_VALUE)).isFalse();
        assertThat(h.checkResult(true)).isEqualTo(EndpointHealth.Change.NONE);
        assertThat(h.checkResult(true)).isEqualTo(EndpointHealth.Change.BECAME_HEALTHY);
        assertThat(h.isAvailable(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void ringHashSticksAndMovesOnlyTheKeysOfAMissingEndpoint() {
        List<Endpoint> eps = endpoints(4);
        RingHashPolicy ring = new RingHashPolicy(eps);
        Map<String, Endpoint> first = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            first.put("user-" + i, ring.pick(eps, e -> true, "user-" + i));
        }
        assertThat(Set.copyOf(first.values())).hasSize(4);
        for (int i = 0; i < 400; i++) {
            assertThat(ring.pick(eps, e -> true, "user-" + i)).isSameAs(first.get("user-" + i));
        }
        Endpoint gone = eps.get(2);
        for (int i = 0; i < 400; i++) {
            Endpoint now = ring.pick(eps, e -> e != gone, "user-" + i);
            if (first.get("user-" + i) != gone) {
                assertThat(now).isSameAs(first.get("user-" + i));
            } else {
                assertThat(now).isNotSameAs(gone);
            }
        }
    }

    @Test
    void peakEwmaReactsToASlowAnswerAtOnceAndForgetsItGradually() {
        dev.roundtrip.edge.cluster.LatencyEwma ewma = new dev.roundtrip.edge.cluster.LatencyEwma(10_000_000_000L);
        ewma.observe(1_000_000, 0);
        ewma.observe(50_000_000, 1_000_000_000L);
        assertThat(ewma.nanos()).isEqualTo(50_000_000);
        ewma.observe(1_000_000, 2_000_000_000L);
        assertThat(ewma.nanos()).isBetween(40_000_000.0, 50_000_000.0);
        ewma.observe(1_000_000, 60_000_000_000L);
        assertThat(ewma.nanos()).isLessThan(2_000_000);

        List<Endpoint> eps = endpoints(2);
        eps.get(0).latency().observe(80_000_000, 0);
        eps.get(1).latency().observe(2_000_000, 0);
        dev.roundtrip.edge.balance.PeakEwmaPolicy p = new dev.roundtrip.edge.balance.PeakEwmaPolicy();
        for (int i = 0; i < 50; i++) {
            assertThat(p.pick(eps, e -> true, null)).isSameAs(eps.get(1));
        }
    }

    @Test
    void leastRequestPrefersTheLessBusyEndpoint() {
        List<Endpoint> eps = endpoints(2);
        for (int i = 0; i < 5; i++) {
            eps.get(0).requestStarted();
        }
        LeastRequestPolicy p = new LeastRequestPolicy();
        for (int i = 0; i < 50; i++) {
            assertThat(p.pick(eps, e -> true, null)).isSameAs(eps.get(1));
        }
        assertThat(p.pick(eps, e -> e == eps.get(0), null)).isSameAs(eps.get(0));
        assertThat(p.pick(eps, e -> false, null)).isNull();
    }
}
