package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.core.resolve.SystemResolver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tracer's configuration is checked in one step, naming the key, the value and what is allowed. */
class TracerConfigTest {
    private final TracerConfig defaults = TracerConfig.defaults(new SystemResolver());

    @Test
    void theHttp3FallbackDelayDefaultsTo300MsAndMayBeZeroButNotNegative() {
        assertThat(defaults.h3FallbackDelay()).isEqualTo(Duration.ofMillis(300));
        assertThat(defaults.withH3FallbackDelay(Duration.ZERO).h3FallbackDelay()).isZero();
        assertThat(defaults.withH3FallbackDelay(Duration.ofMillis(50)).withHttp(HttpVersion.ALT_SVC).h3FallbackDelay())
                .as("kept by the other with* methods").isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> defaults.withH3FallbackDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("h3FallbackDelay: PT-0.001S (expected zero or more)");
        assertThatThrownBy(() -> defaults.withH3FallbackDelay(null)).hasMessageContaining("h3FallbackDelay: null");
    }
}
