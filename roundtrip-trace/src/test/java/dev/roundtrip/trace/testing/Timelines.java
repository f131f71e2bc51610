package dev.roundtrip.trace.testing;

import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.TimelineRecorder;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.FailureClass;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Timelines with exactly known times, made by feeding events to core's recorder on a manual
 * clock: what the renderer tests draw and check to the microsecond.
 */
public final class Timelines {
    public static final Instant STARTED = Instant.parse("2026-11-26T03:00:00Z");
    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);

    private Timelines() {}

    /**
     * A cold HTTPS request: dns 0-30 ms (2 steps), tcp 31-32, tls 32-40, request 41-42, wait 42-92
     * (Server-Timing lb 45, app 40, db 12.5), download 92-100; total 101 ms.
     */
    public static TraceResult coldHttps() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.example.com:8443/users?id=7&q=a%20b"));
        r.dnsStart("api.example.com");
        r.dnsStep(new DnsStep(DnsStep.Source.QUERY, "198.18.0.1:53", ".", "api.example.com. A", "referral to com.", ms(10)));
        r.dnsStep(new DnsStep(DnsStep.Source.QUERY, "198.18.0.2:53", "example.com.", "api.example.com. A", "answer 127.0.0.1", ms(18)));
        advance(clock, 30);
        r.dnsEnd("api.example.com", List.of(InetAddress.getLoopbackAddress()));
        advance(clock, 1);
        r.connectStart(REMOTE);
        advance(clock, 1);
        r.connectEnd(REMOTE);
        r.tlsStart();
        advance(clock, 8);
        r.tlsEnd(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", "CN=api.example.com", "CN=roundtrip local CA",
                List.of("api.example.com"), Instant.parse("2027-12-31T00:00:00Z"), false));
        advance(clock, 1);
        r.requestStart();
        advance(clock, 1);
        r.requestEnd(60);
        advance(clock, 50);
        r.responseStart();
        r.responseHeaders("h2", 200, Map.of("server-timing", List.of("lb;dur=45, app;dur=40", "db;dur=12.5;desc=\"select users\"")));
        advance(clock, 8);
        r.responseEnd(1000);
        advance(clock, 1);
        r.callEnd();
        return new TraceResult(r.timeline(), STARTED, 1,
                List.of(new Header(":method", "GET"), new Header(":path", "/users?id=7&q=a%20b"), new Header("user-agent", "roundtrip-trace/0.1")),
                List.of(new Header("content-type", "application/json"), new Header("server-timing", "lb;dur=45")), "", 60, null);
    }

    /** The same request again on connection #1: no dns, tcp or tls; request 0-1, wait 1-51, download 51-52, total 52 ms. */
    public static TraceResult warmHttps() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.example.com:8443/users"));
        r.connectionReused(REMOTE);
        r.requestStart();
        advance(clock, 1);
        r.requestEnd(30);
        advance(clock, 50);
        r.responseStart();
        r.responseHeaders("h2", 200, Map.of());
        advance(clock, 1);
        r.responseEnd(1000);
        r.callEnd();
        return new TraceResult(r.timeline(), STARTED.plusSeconds(1), 1, List.of(), List.of(), "", 30, null);
    }

    /** A request that fails in TLS at 12 ms after dns 0-5 and tcp 5-6: a name mismatch. */
    public static TraceResult tlsFailure() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        r.callStart("GET", URI.create("https://api.example.com/"));
        r.dnsStart("api.example.com");
        advance(clock, 5);
        r.dnsEnd("api.example.com", List.of(InetAddress.getLoopbackAddress()));
        r.connectStart(REMOTE);
        advance(clock, 1);
        r.connectEnd(REMOTE);
        r.tlsStart();
        advance(clock, 6);
        Exception e = new Exception("TLS with api.example.com (127.0.0.1:8443): certificate is not valid for api.example.com: it names other.example.com");
        r.tlsFailed(e);
        r.callFailed(PhaseKind.TLS, e);
        return new TraceResult(r.timeline(), STARTED, 2, List.of(new Header("Host", "api.example.com")), List.of(), "", -1,
                FailureClass.TLS_NAME_MISMATCH);
    }

    private static void advance(ManualClock clock, long millis) {
        clock.advance(Duration.ofMillis(millis));
    }

    private static long ms(long millis) {
        return millis * 1_000_000;
    }
}
