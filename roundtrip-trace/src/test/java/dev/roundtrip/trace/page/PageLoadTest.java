package dev.roundtrip.trace.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TracerConfig;
import dev.roundtrip.trace.TrustPolicy;
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
 * The page loader against the real load balancer (TLS, HTTP/1.1, HTTP/2 and HTTP/3 on one port)
 * over loopback: every object arrives over each protocol, on as many connections as a browser
 * would open, with per-object times in order.
 */
class PageLoadTest {
    static final int BYTES = 1000;

    @TempDir
    static Path caDir;
    static LocalCa ca;
    static TestHttpServer upstream;
    static LoadBalancer lb;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.loadOrCreate(caDir);
        upstream = TestHttpServer.http1(Behavior.ok().withBody(BYTES));
        var yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test, 127.0.0.1] } ], ca_dir: %s }
                http3: true
                backends: [127.0.0.1:%d]
                access_log: false
                """.formatted(caDir, upstream.port()));
        lb = new LoadBalancer("page-lb", EdgeConfigParser.parse(yaml, "", null), Network.host(), MonotonicClock.SYSTEM);
        List<BoundAddress> bound = lb.start().get(20, TimeUnit.SECONDS);
        port = bound.stream().filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow().real().getPort();
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

    static TracerConfig config() {
        return TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void everyProtocolLoadsTheWholePageOnTheConnectionsABrowserWouldOpen() throws Exception {
        Page page = new Page("https://api.test:" + port + "/objects/", 20, BYTES);
        try (PageLoad loader = new PageLoad(config())) {
            for (HttpVersion http : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2, HttpVersion.HTTP_3)) {
                PageResult r = loader.load(page, http, PageLoad.connectionsFor(http), Duration.ofSeconds(20));
                assertThat(r.failure()).as(http.name()).isNull();
                assertThat(r.complete()).isTrue();
                assertThat(r.protocol()).isEqualTo(switch (http) {
                    case HTTP_1_1 -> "HTTP/1.1";
                    case HTTP_2 -> "h2";
                    default -> "h3";
                });
                assertThat(r.objects()).hasSize(20).extracting(ObjectTiming::index).containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.range(0, 20).boxed().toList());
                long distinctConnections = r.objects().stream().mapToInt(ObjectTiming::connection).distinct().count();
                if (http == HttpVersion.HTTP_1_1) {
                    assertThat(distinctConnections).as("HTTP/1.1 spreads the page over its connections").isBetween(2L, 6L);
                } else {
                    assertThat(distinctConnections).as(http + ": one connection").isEqualTo(1);
                }
                assertThat(r.connectNanos()).isPositive();
                for (ObjectTiming o : r.objects()) {
                    assertThat(o.status()).isEqualTo(200);
                    assertThat(o.bytes()).isEqualTo(BYTES);
                    assertThat(o.sentNanos()).isGreaterThanOrEqualTo(o.queuedNanos());
                    assertThat(o.firstByteNanos()).isGreaterThanOrEqualTo(o.sentNanos());
                    assertThat(o.endNanos()).isGreaterThanOrEqualTo(o.firstByteNanos()).isLessThanOrEqualTo(r.pageNanos());
                }
                JsonNode json = new ObjectMapper().readTree(PageJson.render(List.of(new PageJson.Numbered(1, false, r))));
                assertThat(json.path("schema").asText()).isEqualTo(PageJson.SCHEMA);
                assertThat(json.path("pages").get(0).path("object_timings")).hasSize(20);
                assertThat(json.path("pages").get(0).path("complete").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void aPageThatCannotConnectSaysSo() {
        Page page = new Page("https://api.test:1/objects/", 3, BYTES);
        try (PageLoad loader = new PageLoad(config())) {
            PageResult r = loader.load(page, HttpVersion.HTTP_2, 1, Duration.ofSeconds(5));
            assertThat(r.complete()).isFalse();
            assertThat(r.failure()).startsWith("cannot connect");
            assertThat(r.pageNanos()).isEqualTo(-1);
        }
    }
}
