package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracing client against the real load balancer with an HTTP/3 listener: h3 end to end,
 * Alt-Svc discovery with {@code --http auto}, 0-RTT on a resumed connection (served for GET,
 * refused with 425 for POST), and garbage datagrams on the QUIC port that leave other
 * connections alone.
 */
class Http3BalancerTest {
    @TempDir
    static Path caDir;
    static LocalCa ca;
    static TestHttpServer upstream;
    static LoadBalancer lb;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.loadOrCreate(caDir);
        upstream = TestHttpServer.http1(Behavior.ok().withBody(1000));
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test, 127.0.0.1] } ], ca_dir: %s }
                http3: true
                backends: [127.0.0.1:%d]
                access_log: false
                """.formatted(caDir, upstream.port()));
        lb = new LoadBalancer("h3-lb", EdgeConfigParser.parse(yaml, "", null), Network.host(), MonotonicClock.SYSTEM);
        List<BoundAddress> bound = lb.start().get(20, TimeUnit.SECONDS);
        port = bound.stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow().real().getPort();
        assertThat(bound.stream().filter(b -> b.protocol().equals("https")).findFirst().orElseThrow().real().getPort()).isEqualTo(port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (lb != null) {
            lb.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static TracerConfig config(HttpVersion http) {
        return TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(http)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    String url(String path) {
        return "https://api.test:" + port + path;
    }

    @Test
    void http3ThroughTheBalancerIsOneQuicPhaseThenTheExchange() {
        try (Tracer tracer = new Tracer(config(HttpVersion.HTTP_3))) {
            TraceResult r = tracer.run(TraceRequest.get(url("/users")));
            Timeline t = r.timeline();

            assertThat(t.failure()).isNull();
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.protocol()).isEqualTo("h3");
            assertThat(t.responseBytes()).isEqualTo(1000);
            assertThat(t.phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.DNS, PhaseKind.QUIC, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            assertThat(t.tls().alpn()).isEqualTo("h3");
            assertThat(t.tls().version()).isEqualTo("TLSv1.3");
            assertThat(t.tls().peerNames()).contains("api.test");
            assertThat(r.responseHeaders()).anySatisfy(h -> assertThat(h.name() + ": " + h.value()).isEqualTo("via: 3 roundtrip"));
            assertThat(t.serverTimings()).anySatisfy(s -> assertThat(s.name()).isEqualTo("lb"));
            assertThat(lb.metricsText()).containsPattern("roundtrip_lb_requests_total\\{listener=\"default\",protocol=\"h3\",[^}]*code=\"200\"} [1-9]");

            TraceResult again = tracer.run(TraceRequest.get(url("/users")));
            assertThat(again.timeline().connectionReused()).isTrue();
            assertThat(again.connectionId()).isEqualTo(r.connectionId());
            assertThat(again.timeline().phase(PhaseKind.QUIC)).isEmpty();
        }
    }
}
