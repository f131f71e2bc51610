package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.trace.AltSvcOutcome;
import dev.roundtrip.trace.AltSvcOutcome.Attempt;
import dev.roundtrip.trace.AltSvcOutcome.End;
import dev.roundtrip.trace.AltSvcOutcome.Result;
import dev.roundtrip.trace.TraceResult;
import dev.roundtrip.trace.testing.Timelines;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the renderers say of a call that followed Alt-Svc: the losing attempt drawn as its own row
 * where the connection phases begin, one line saying why, the summary's word for it, and JSON's
 * {@code alt_svc} object.
 */
class AltSvcRenderTest {
    private static final long MS = 1_000_000;

    /** The cold HTTPS timeline (tcp from 31 ms) after a QUIC attempt from 30.5 ms that failed at 31 ms. */
    static TraceResult quicFailed() {
        TraceResult r = Timelines.coldHttps();
        AltSvcOutcome outcome = new AltSvcOutcome(Result.TCP_QUIC_FAILED, 4433, Duration.ofMillis(300),
                new Attempt(30_500_000, 500_000, End.FAILED, "QUIC handshake with api.example.com: no"),
                new Attempt(31 * MS, 9 * MS, End.READY, ""), "QUIC handshake failed: no", false);
        return with(r, outcome);
    }

    static TraceResult with(TraceResult r, AltSvcOutcome outcome) {
        return new TraceResult(r.timeline(), r.startedAt(), r.connectionId(), r.requestHeaders(), r.responseHeaders(), r.statusText(),
                r.requestBytes(), r.failureClass(), r.earlyData(), r.bodySha256(), outcome);
    }

    @Test
    void theFailedQuicAttemptIsARowBeforeTcpAndOneLineSaysWhy() {
        String out = Waterfall.render(List.of(quicFailed(), with(Timelines.coldHttps(),
                AltSvcOutcome.straightToTcp(4433, Duration.ofMillis(300), "QUIC handshake failed: no"))), Waterfall.Style.plain());

        assertThat(out).containsPattern("\\n  \\(quic\\) +30\\.50 ms +0\\.50 ms +\\|.*\\|  failed: QUIC handshake with api.example.com: no\\n  tcp ");
        assertThat(out).contains("  why: over TCP: the QUIC handshake with h3 on UDP port 4433 failed after 0.5 ms "
                + "(QUIC handshake with api.example.com: no), so TCP + TLS took over at once; "
                + "the alternative is now marked broken for the rest of this run");
        assertThat(out).contains("  why: over TCP: h3 on UDP port 4433 was marked broken earlier in this run (QUIC handshake failed: no), "
                + "so the request went straight to TCP, as a browser does");
        assertThat(out).contains(", h3 failed: TCP fallback").contains(", h3 broken: straight to TCP");
    }

    @Test
    void anAbandonedTcpAttemptIsDrawnWhenQuicWon() {
        AltSvcOutcome outcome = new AltSvcOutcome(Result.H3_TCP_ABANDONED, 4433, Duration.ofMillis(1),
                new Attempt(30 * MS, 10 * MS, End.READY, ""), new Attempt(31 * MS, 9 * MS, End.ABANDONED, ""), "", false);
        String out = Waterfall.render(with(Timelines.coldHttps(), outcome), Waterfall.Style.plain());

        assertThat(out).containsPattern("\\n  \\(tcp\\+tls\\) +31\\.00 ms +9\\.00 ms +\\|.*\\|  abandoned: QUIC was ready first\\n");
        assertThat(out).doesNotContain("(quic)");
        assertThat(out).contains("why: HTTP/3: QUIC was ready at 40.0 ms, after TCP had started at the 1.0 ms fallback delay");
    }

    @Test
    void jsonCarriesTheOutcomeAndBothAttempts() throws Exception {
        JsonNode runs = new ObjectMapper().readTree(TraceJson.render(List.of(quicFailed(), Timelines.coldHttps()))).get("runs");
        JsonNode alt = runs.get(0).get("alt_svc");

        assertThat(alt.get("result").asText()).isEqualTo("tcp_quic_failed");
        assertThat(alt.get("h3_port").asInt()).isEqualTo(4433);
        assertThat(alt.get("fallback_delay_ms").asDouble()).isEqualTo(300.0);
        assertThat(alt.get("why").asText()).startsWith("over TCP: the QUIC handshake");
        assertThat(alt.get("broken_reason").asText()).isEqualTo("QUIC handshake failed: no");
        assertThat(alt.get("quic").get("start_ms").asDouble()).isEqualTo(30.5);
        assertThat(alt.get("quic").get("duration_ms").asDouble()).isEqualTo(0.5);
        assertThat(alt.get("quic").get("end").asText()).isEqualTo("failed");
        assertThat(alt.get("quic").get("error").asText()).isEqualTo("QUIC handshake with api.example.com: no");
        assertThat(alt.get("tcp").get("end").asText()).isEqualTo("ready");
        assertThat(runs.get(1).get("alt_svc").isNull()).isTrue();
    }
}
