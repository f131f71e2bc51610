package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class TraceContextTest {
    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesTheSpecExample() {
        assertThat(TraceContext.parse(VALID)).hasValue(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1));
        assertThat(TraceContext.parse(" " + VALID + " ")).isPresent();
    }

    @Test
    void acceptsAFutureVersionWithMoreFields() {
        assertThat(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds")).isPresent();
    }

    @Test
    void rejectsInvalidValues() {
        for (String bad : new String[] {"", "00", VALID.toUpperCase(), VALID + "-extra", "ff" + VALID.substring(2),
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"}) {
            assertThat(TraceContext.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void serverSpanContinuesTheCallersTraceWithANewSpan() {
        TraceContext caller = TraceContext.parse(VALID).orElseThrow();
        TraceContext span = TraceContext.serverSpan(Optional.of(caller), RandomGenerator.of("L64X128MixRandom"));
        assertThat(span.traceId()).isEqualTo(caller.traceId());
        assertThat(span.flags()).isEqualTo(1);
        assertThat(span.spanId()).hasSize(16).isNotEqualTo(caller.spanId());
        assertThat(TraceContext.parse(span.toHeaderValue())).hasValue(span);
    }

    @Test
    void withoutACallerANewTraceStarts() {
        TraceContext root = TraceContext.serverSpan(Optional.empty(), RandomGenerator.of("L64X128MixRandom"));
        assertThat(root.toHeaderValue()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    }
}
