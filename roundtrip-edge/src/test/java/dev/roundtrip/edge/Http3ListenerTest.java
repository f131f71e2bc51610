package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.edge.h3.EarlyDataPolicy;
import dev.roundtrip.http.h3.QuicLimits;
import dev.roundtrip.http.h3.RetryTokens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/3 side of a listener as the balancer sees it: the {@code http3} key (full, short and
 * topology forms, errors), Alt-Svc on TCP responses, the 425 for unsafe requests marked as early
 * data, the early-data decision itself, and Retry tokens (address validation).
 */
class Http3ListenerTest {
    @TempDir
    static Path caDir;

    @Test
    void http3KeyInEveryFormAndItsErrors() throws Exception {
        EdgeConfig on = EdgeConfigParserTest.parse("backends: [198.18.1.10:8080]\ntls: true\nhttp3: true");
        assertThat(on.listeners().getFirst().http3()).contains(QuicLimits.DEFAULTS);
        EdgeConfig tuned = EdgeConfigParserTest.parse("""
                listeners:
                  - address: 198.18.0.10:443
                    tls: true
                    http3: { max_streams: 10, idle_timeout: 5s, address_validation: true, early_data: false, congestion_control: bbr }
                clusters: [ { name: app, endpoints: [198.18.1.10:8080] } ]
                """);
        QuicLimits q = tuned.listeners().getFirst().http3().orElseThrow();
        assertThat(q.maxStreams()).isEqualTo(10);
        assertThat(q.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(q.addressValidation()).isTrue();
        assertThat(q.earlyData()).isFalse();
        assertThat(q.congestionControl()).isEqualTo(QuicLimits.CongestionControl.BBR);
        assertThat(QuicLimits.DEFAULTS.congestionControl()).isEqualTo(QuicLimits.CongestionControl.CUBIC);
        assertThat(EdgeConfigParserTest.parse("backends: [198.18.1.10:8080]\ntls: true\nhttp3: false").listeners().getFirst().http3()).isEmpty();

        EdgeConfigParserTest.fails("backends: [198.18.1.10:8080]\nhttp3: true",
                "http3: is on without tls (HTTP/3 runs over QUIC, which is always TLS 1.3: add tls)");
        EdgeConfigParserTest.fails("backends: [198.18.1.10:8080]\ntls: true\nhttp3: { max_streams: 0 }",
                "http3.max_streams: '0' is outside 1-1000000");
        EdgeConfigParserTest.fails("backends: [198.18.1.10:8080]\ntls: true\nhttp3: yes please",
                "http3: is \"yes please\" (allowed: true, false, or a map of max_streams, idle_timeout, max_data, "
                        + "max_stream_data, address_validation, early_data, congestion_control, qlog_dir)");
        EdgeConfigParserTest.fails("backends: [198.18.1.10:8080]\ntls: true\nhttp3: { qlog_dir: /proc/roundtrip-qlog }",
                "http3.qlog_dir: is /proc/roundtrip-qlog: cannot make it a directory (NoSuchFileException)");
        EdgeConfigParserTest.fails("backends: [198.18.1.10:8080]\ntls: true\nhttp3: { congestion_control: vegas }",
                "http3.congestion_control: is vegas (allowed: cubic, reno, bbr)");

        var host = new Host("lb.example.com", InetAddress.getByName("198.18.1.5"), "", List.of());
        var spec = new ServiceSpec(ServiceType.LOAD_BALANCER, 443, new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("backends: [198.18.2.10:8080]\nhttp3: true"), "hosts[0].services[0]");
        assertThat(EdgeConfigParser.fromTopology(host, spec, "topo.yaml").listeners().getFirst().http3()).isPresent();
    }

    @Test
    void tcpAnswersAdvertiseHttp3AndUnsafeEarlyRequestsGet425() throws Exception {
        assumeTrue(TlsAndHttp2Test.run(List.of("curl", "--version")).exitCode() == 0, "curl not installed: skipping");
        try (TestBackend app = new TestBackend("app");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                     listen: 127.0.0.1:0
                     tls: { certificates: [ { names: [localhost] } ], ca_dir: %s }
                     http3: true
                     backends: [%s]
                     access_log: false
                     """.formatted(caDir, app.hostPort())))) {
            String ca = caDir.resolve("ca.pem").toString();
            int port = edge.port("https");
            assertThat(edge.port("h3")).isEqualTo(port);

            var get = TlsAndHttp2Test.curl("--cacert", ca, "--http1.1", "https://localhost:" + port + "/a");
            assertThat(get.out()).startsWith("HTTP/1.1 200").contains("alt-svc: h3=\":" + port + "\"; ma=86400");
            var h2 = TlsAndHttp2Test.curl("--cacert", ca, "--http2", "https://localhost:" + port + "/b");
            assertThat(h2.out()).startsWith("HTTP/2 200").contains("alt-svc: h3=\":" + port + "\"");

            // An intermediary in front forwarded these from its early data (RFC 8470 section 5.1).
            var earlyGet = TlsAndHttp2Test.curl("--cacert", ca, "-H", "Early-Data: 1", "https://localhost:" + port + "/early");
            assertThat(earlyGet.out()).startsWith("HTTP/2 200");
            assertThat(app.seen().getLast()).containsEntry("early-data", "1");
            var earlyPost = TlsAndHttp2Test.curl("--cacert", ca, "-H", "Early-Data: 1", "-d", "x=1", "https://localhost:" + port + "/order");
            assertThat(earlyPost.out()).startsWith("HTTP/2 425").contains("425 Too Early");
            assertThat(app.seen()).noneMatch(h -> "POST".equals(h.get(":method")));
            // Counted once the answer has been written out, which can be a moment after curl read it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(edge.lb.metricsText())
                    .contains("roundtrip_lb_requests_total{listener=\"default\",protocol=\"h2\",route=\"\",cluster=\"\",code=\"425\"} 1")
                    .contains("roundtrip_lb_downstream_quic_connections{listener=\"default\"} 0"));
        }
    }

    @Test
    void onlySafeMethodsAreServedFromEarlyData() {
        var early = new DefaultHttpHeaders().add("early-data", "1");
        var normal = new DefaultHttpHeaders();
        assertThat(EarlyDataPolicy.tooEarly("GET", early)).isFalse();
        assertThat(EarlyDataPolicy.tooEarly("HEAD", early)).isFalse();
        assertThat(EarlyDataPolicy.tooEarly("POST", early)).isTrue();
        assertThat(EarlyDataPolicy.tooEarly("PUT", early)).isTrue();
        assertThat(EarlyDataPolicy.tooEarly("DELETE", early)).isTrue();
        assertThat(EarlyDataPolicy.tooEarly("POST", normal)).isFalse();
    }

    @Test
    void retryTokensValidateOnlyForTheSameClientUntilTheyExpire() {
        AtomicLong now = new AtomicLong(1_000_000);
        RetryTokens tokens = new RetryTokens(Duration.ofSeconds(10), now::get);
        InetSocketAddress client = new InetSocketAddress("127.0.0.1", 5000);
        ByteBuf dcid = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuf token = Unpooled.buffer();
        assertThat(tokens.writeToken(token, dcid, client)).isTrue();
        assertThat(token.readableBytes()).isLessThanOrEqualTo(tokens.maxTokenLength());

        int offset = tokens.validateToken(token, client);
        assertThat(offset).isPositive();
        assertThat(token.slice(token.readerIndex() + offset, token.readableBytes() - offset)).isEqualTo(dcid);
        assertThat(tokens.validateToken(token, new InetSocketAddress("127.0.0.1", 5001))).isEqualTo(-1);
        ByteBuf forged = token.copy();
        forged.setByte(forged.readerIndex() + 12, forged.getByte(forged.readerIndex() + 12) ^ 1);
        assertThat(tokens.validateToken(forged, client)).isEqualTo(-1);
        assertThat(tokens.validateToken(Unpooled.wrappedBuffer(new byte[] {9, 9}), client)).isEqualTo(-1);
        now.addAndGet(11_000);
        assertThat(tokens.validateToken(token, client)).isEqualTo(-1);
        assertThat(new RetryTokens(Duration.ofSeconds(10), now::get).validateToken(token, client)).isEqualTo(-1);
    }
}
