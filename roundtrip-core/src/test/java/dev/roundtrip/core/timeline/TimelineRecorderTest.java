package dev.roundtrip.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineRecorderTest {
    private final ManualClock clock = new ManualClock();
    private final TimelineRecorder recorder = new TimelineRecorder(clock);

    private void after(long millis) {
        clock.advance(Duration.ofMillis(millis));
    }

    @Test
    void coldCallHasEveryPhaseInOrderWithExactDurations() {
        InetSocketAddress lb = new InetSocketAddress("127.0.0.1", 443);
        recorder.callStart("GET", URI.create("https://api.example.com/users"));
        recorder.dnsStart("api.example.com");
        recorder.dnsStep(new DnsStep(DnsStep.Source.QUERY, "198.18.0.4:53", ".", "com. NS", "referral to com.", 2_000_000));
        after(5);
        recorder.dnsEnd("api.example.com", List.of(lb.getAddress()));
        recorder.connectStart(lb);
        after(1);
        recorder.connectEnd(lb);
        recorder.tlsStart();
        after(3);
        recorder.tlsEnd(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", "CN=api.example.com", "CN=roundtrip local CA",
                List.of("api.example.com"), Instant.EPOCH, false));
        recorder.requestStart();
        recorder.requestEnd(100);
        after(7);
        recorder.responseStart();
        recorder.responseHeaders("h2", 200, Map.of("server-timing", List.of("lb;dur=6.5", "app;dur=4, db;dur=2.5;desc=\"select\"")));
        after(2);
        recorder.responseEnd(512);
        recorder.callEnd();

        Timeline t = recorder.timeline();
        assertThat(t.phases()).containsExactly(
                new Phase(PhaseKind.DNS, 0, 5_000_000),
                new Phase(PhaseKind.CONNECT, 5_000_000, 1_000_000),
                new Phase(PhaseKind.TLS, 6_000_000, 3_000_000),
                new Phase(PhaseKind.SEND, 9_000_000, 0),
                new Phase(PhaseKind.WAIT, 9_000_000, 7_000_000),
                new Phase(PhaseKind.RECEIVE, 16_000_000, 2_000_000));
        assertThat(t.totalNanos()).isEqualTo(18_000_000);
        assertThat(t.status()).isEqualTo(200);
        assertThat(t.protocol()).isEqualTo("h2");
        assertThat(t.responseBytes()).isEqualTo(512);
        assertThat(t.tls().alpn()).isEqualTo("h2");
        assertThat(t.dnsSteps()).hasSize(1);
        assertThat(t.serverTimings()).containsExactly(
                new ServerTiming("lb", 6.5, ""), new ServerTiming("app", 4, ""), new ServerTiming("db", 2.5, "select"));
        assertThat(t.succeeded()).isTrue();
    }

    @Test
    void warmCallOnAReusedConnectionHasNoConnectOrTls() {
        InetSocketAddress lb = new InetSocketAddress("127.0.0.1", 443);
        recorder.callStart("GET", URI.create("https://api.example.com/users"));
        recorder.dnsStart("api.example.com");
        recorder.dnsStep(DnsStep.cacheHit(DnsStep.Source.STUB_CACHE, "api.example.com. A", "answer 198.18.1.10"));
        recorder.dnsEnd("api.example.com", List.of(lb.getAddress()));
        recorder.connectionReused(lb);
        recorder.requestStart();
        recorder.requestEnd(90);
        after(4);
        recorder.responseStart();
        recorder.responseEnd(512);
        recorder.callEnd();

        Timeline t = recorder.timeline();
        assertThat(t.connectionReused()).isTrue();
        assertThat(t.phase(PhaseKind.CONNECT)).isEmpty();
        assertThat(t.phase(PhaseKind.TLS)).isEmpty();
        assertThat(t.phase(PhaseKind.DNS)).hasValueSatisfying(p -> assertThat(p.durationNanos()).isZero());
        assertThat(t.phase(PhaseKind.WAIT)).hasValueSatisfying(p -> assertThat(p.durationNanos()).isEqualTo(4_000_000));
    }

    @Test
    void anEarlyResponseKeepsItsWaitWhenTheRequestEndsLater() {
        recorder.callStart("POST", URI.create("http://127.0.0.1:8080/users"));
        recorder.requestStart();
        after(1);
        recorder.responseStart(); // e.g. a 413 sent before the body was fully written
        after(2);
        recorder.requestEnd(70_000);
        recorder.responseEnd(40);
        recorder.callEnd();

        Timeline t = recorder.timeline();
        assertThat(t.phase(PhaseKind.WAIT)).hasValue(new Phase(PhaseKind.WAIT, 1_000_000, 0));
        assertThat(t.phase(PhaseKind.RECEIVE)).hasValue(new Phase(PhaseKind.RECEIVE, 1_000_000, 2_000_000));
    }

    @Test
    void failureNamesThePhaseAndClosesIt() {
        InetSocketAddress lb = new InetSocketAddress("127.0.0.1", 1);
        recorder.callStart("GET", URI.create("https://api.example.com/"));
        recorder.connectStart(lb);
        after(2);
        recorder.connectFailed(lb, new java.net.ConnectException("Connection refused"));
        recorder.callFailed(PhaseKind.CONNECT, new java.net.ConnectException("Connection refused"));

        Timeline t = recorder.timeline();
        assertThat(t.failure()).isEqualTo(new Timeline.Failure(PhaseKind.CONNECT, 2_000_000, "Connection refused"));
        assertThat(t.phase(PhaseKind.CONNECT)).hasValue(new Phase(PhaseKind.CONNECT, 0, 2_000_000));
        assertThat(t.status()).isEqualTo(-1);
    }

    @Test
    void listenersCombineInOrder() {
        StringBuilder seen = new StringBuilder();
        RequestListener a = new RequestListener() {
            @Override public void dnsStart(String host) { seen.append("a"); }
        };
        RequestListener b = new RequestListener() {
            @Override public void dnsStart(String host) { seen.append("b"); }
        };
        a.plus(RequestListener.NONE).plus(b).plus(a).dnsStart("x");
        assertThat(seen).hasToString("aba");
        assertThat(RequestListener.NONE.plus(a)).isSameAs(a);
    }

    @Test
    void serverTimingParsingSkipsJunk() {
        assertThat(ServerTiming.parse(List.of("cache;desc=\"hit, warm\", ;dur=3, db;dur=abc, miss")))
                .containsExactly(new ServerTiming("cache", -1, "hit, warm"), new ServerTiming("db", -1, ""), new ServerTiming("miss", -1, ""));
        assertThat(new ServerTiming("db", 2.5, "select \"users\"").toHeaderValue()).isEqualTo("db;dur=2.500;desc=\"select \\\"users\\\"\"");
    }
}
