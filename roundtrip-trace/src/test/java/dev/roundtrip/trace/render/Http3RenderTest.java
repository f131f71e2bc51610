package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.core.timeline.TimelineRecorder;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.EarlyData;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An HTTP/3 request in every renderer: one quic row instead of tcp and tls, HAR connect = ssl = quic, the 0-RTT outcome. */
class Http3RenderTest {
    /** quic 0-12 ms (resumed, 0-RTT: the request leaves at 2 ms), request 2-3, wait 3-20, download 20-22; total 22 ms. */
    static TraceResult zeroRtt() {
        ManualClock clock = new ManualClock();
        TimelineRecorder r = new TimelineRecorder(clock);
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
        r.callStart("GET", URI.create("https://api.example.com:8443/users"));
        r.quicStart(remote);
        clock.advance(Duration.ofMillis(2));
        r.requestStart();
        clock.advance(Duration.ofMillis(1));
        r.requestEnd(80);
        clock.advance(Duration.ofMillis(9));
        r.quicEnd(remote, new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "h3", "CN=api.example.com", "CN=roundtrip local CA",
                List.of("api.example.com"), Instant.parse("2027-12-31T00:00:00Z"), true));
        clock.advance(Duration.ofMillis(8));
        r.responseStart();
        r.responseHeaders("h3", 200, Map.of());
        clock.advance(Duration.ofMillis(2));
        r.responseEnd(500);
        r.callEnd();
        return new TraceResult(r.timeline(), Instant.parse("2026-11-26T03:00:00Z"), 2, List.of(new Header(":method", "GET")),
                List.of(), "", 80, null, EarlyData.ACCEPTED, "ab");
    }

    @Test
    void waterfallShowsOneQuicRowWithTheEarlyDataOutcome() {
        String out = Waterfall.render(List.of(zeroRtt()), new Waterfall.Style(40, false));
        assertThat(out).containsPattern("\\n  quic +0\\.00 ms +12\\.00 ms")
                .contains("UDP, TLSv1.3 TLS_AES_128_GCM_SHA256, ALPN h3, session resumed, 0-RTT offered early, answered")
                .doesNotContainPattern("\\n  tcp ").doesNotContainPattern("\\n  tls ");
    }

    @Test
    void jsonAndHarCountTheQuicHandshakeAsConnectAndSsl() throws Exception {
        JsonNode run = new ObjectMapper().readTree(TraceJson.render(List.of(zeroRtt()))).get("runs").get(0);
        assertThat(run.get("phases").findValuesAsText("name")).containsExactly("dns", "quic", "request", "wait", "download");
        assertThat(run.get("early_data").asText()).isEqualTo("accepted");
        assertThat(run.get("time_connect").asDouble()).isEqualTo(run.get("time_appconnect").asDouble()).isEqualTo(0.012);

        JsonNode e = new ObjectMapper().readTree(Har.render(List.of(zeroRtt()))).get("log").get("entries").get(0);
        assertThat(e.get("timings").get("connect").asDouble()).isEqualTo(12.0);
        assertThat(e.get("timings").get("ssl").asDouble()).isEqualTo(12.0);
        assertThat(e.get("request").get("httpVersion").asText()).isEqualTo("HTTP/3.0");
    }
}
