package dev.roundtrip.trace.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.trace.testing.DelayedResolver;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tracer's own stub cache, driven by a manual clock: a hit until the TTL runs out, then the resolver again. */
class CachingResolverTest {
    @Test
    void answersFromTheCacheUntilItExpires() throws Exception {
        ManualClock clock = new ManualClock();
        DelayedResolver upstream = DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO);
        CachingResolver cache = new CachingResolver(upstream, clock, Duration.ofSeconds(60));

        Resolution first = cache.resolve("api.test").get();
        assertThat(first.fromCache()).isFalse();

        clock.advance(Duration.ofSeconds(59));
        Resolution hit = cache.resolve("API.test").get();
        assertThat(hit.fromCache()).isTrue();
        assertThat(hit.steps()).singleElement().satisfies(s -> {
            assertThat(s.source()).isEqualTo(DnsStep.Source.STUB_CACHE);
            assertThat(s.outcome()).isEqualTo("answer 127.0.0.1 (cached, expires in 1 s)");
        });
        assertThat(upstream.asked()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.resolve("api.test").get().fromCache()).isFalse();
        assertThat(upstream.asked()).isEqualTo(2);
    }
}
