package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TimelineRecorder;
import dev.roundtrip.core.timeline.TlsInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A race's timeline keeps only the connection that carried the request: both attempts reported
 * to the recorder while they could win, and the loser's traces (a finished TCP connect, its
 * address, a late QUIC handshake's TLS facts) must not pass for the winner's.
 */
class WinnerOnlyTimelineTest {
    private static final InetSocketAddress UDP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433);
    private static final InetSocketAddress TCP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
    private static final TlsInfo QUIC_TLS = tls("h3");
    private static final TlsInfo TCP_TLS = tls("h2");

    private static TlsInfo tls(String alpn) {
        return new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", alpn, "CN=api.test", "CN=ca", List.of("api.test"),
                Instant.parse("2027-01-01T00:00:00Z"), false);
    }

    @Test
    void quicWinningAfterTcpConnectedDropsTheTcpConnectAndItsAddress() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.test:8443/"));
        r.quicStart(UDP);
        clock.advance(Duration.ofMillis(300));
        r.connectStart(TCP);
        clock.advance(Duration.ofMillis(5));
        r.connectEnd(TCP);
        r.tlsStart();
        clock.advance(Duration.ofMillis(1));
        r.quicEnd(UDP, QUIC_TLS);
        exchange(r, clock, "h3");

        Timeline t = Tracer.withWinnerOnly(r.timeline(), true, UDP, null);

        assertThat(t.phases()).extracting(Phase::kind).containsExactly(PhaseKind.QUIC, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
        assertThat(t.phase(PhaseKind.QUIC).orElseThrow().durationNanos()).isEqualTo(Duration.ofMillis(306).toNanos());
        assertThat(t.remoteAddress()).isEqualTo(UDP);
        assertThat(t.tls()).isEqualTo(QUIC_TLS);
        assertThat(t.connectionReused()).isFalse();
    }

    @Test
    void tcpWinningDropsALateQuicHandshakeAndKeepsTcpsTlsFacts() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.test:8443/"));
        r.quicStart(UDP);
        clock.advance(Duration.ofMillis(300));
        r.connectStart(TCP);
        clock.advance(Duration.ofMillis(1));
        r.connectEnd(TCP);
        r.tlsStart();
        clock.advance(Duration.ofMillis(2));
        r.tlsEnd(TCP_TLS);
        r.quicEnd(UDP, QUIC_TLS); // ready a moment too late, before the race heard of TCP
        exchange(r, clock, "h2");

        Timeline t = Tracer.withWinnerOnly(r.timeline(), false, TCP, TCP_TLS);

        assertThat(t.phases()).extracting(Phase::kind)
                .containsExactly(PhaseKind.CONNECT, PhaseKind.TLS, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
        assertThat(t.remoteAddress()).isEqualTo(TCP);
        assertThat(t.tls()).isEqualTo(TCP_TLS);
    }

    @Test
    void aPooledTcpWinnerHasNoTlsFacts() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.test:8443/"));
        r.quicStart(UDP);
        clock.advance(Duration.ofMillis(300));
        r.connectionReused(TCP);
        exchange(r, clock, "h2");

        Timeline t = Tracer.withWinnerOnly(r.timeline(), false, TCP, TCP_TLS);

        assertThat(t.connectionReused()).isTrue();
        assertThat(t.tls()).isNull();
        assertThat(t.phase(PhaseKind.QUIC)).isEmpty();
    }

    private static void exchange(TimelineRecorder r, ManualClock clock, String protocol) {
        r.requestStart();
        r.requestEnd(50);
        clock.advance(Duration.ofMillis(3));
        r.responseStart();
        r.responseHeaders(protocol, 200, Map.of());
        r.responseEnd(2);
        r.callEnd();
    }
}
