package dev.roundtrip.dns.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.ResolutionException;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.zone.DemoZones;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub against a server that does not know the steps option (an authoritative server answers
 * RD queries for its own zone): one query step, then local cache hits until the TTL runs out.
 */
class StubResolverTest {
    static Network network = Network.embedded();
    static AuthoritativeServer server;
    static InetSocketAddress lab = new InetSocketAddress(DemoZones.EXAMPLE_COM_SERVER, 53);

    @BeforeAll
    static void start() throws Exception {
        server = new AuthoritativeServer(new AuthoritativeConfig(network, lab, List.of(DemoZones.exampleCom())));
        server.start().get();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(Duration.ZERO).get();
    }

    @Test
    void resolvesThenServesFromItsCacheUntilTheTtlRunsOut() throws Exception {
        ManualClock clock = new ManualClock();
        try (StubResolver stub = new StubResolver(network, lab, clock)) {
            List<DnsStep> seen = new ArrayList<>();
            RequestListener listener = new RequestListener() {
                @Override
                public void dnsStep(DnsStep step) {
                    seen.add(step);
                }
            };
            Resolution first = stub.resolve("api.example.com", listener).get();
            assertThat(first.addresses()).extracting(a -> a.getHostAddress()).containsExactly("198.18.1.10", "2001:db8:1:0:0:0:0:10");
            assertThat(first.fromCache()).isFalse();
            assertThat(first.steps()).hasSize(2).allSatisfy(s -> {
                assertThat(s.source()).isEqualTo(DnsStep.Source.QUERY);
                assertThat(s.server()).isEqualTo("198.18.0.53:53");
            });
            assertThat(first.steps().getFirst().question()).isEqualTo("api.example.com. A");
            assertThat(first.steps().getFirst().outcome()).isEqualTo("answer 198.18.1.10");
            assertThat(seen).isEqualTo(first.steps());

            clock.advance(Duration.ofSeconds(299));
            Resolution cached = stub.resolve("API.example.com").get();
            assertThat(cached.fromCache()).isTrue();
            assertThat(cached.steps()).singleElement().satisfies(s -> {
                assertThat(s.source()).isEqualTo(DnsStep.Source.STUB_CACHE);
                assertThat(s.outcome()).isEqualTo("answer 198.18.1.10 (TTL 1 s)");
            });

            clock.advance(Duration.ofSeconds(1));
            assertThat(stub.resolve("api.example.com").get().fromCache()).isFalse();
        }
    }

    @Test
    void negativeAnswersFailWithTheirReasonAndAreCached() throws Exception {
        ManualClock clock = new ManualClock();
        try (StubResolver stub = new StubResolver(network, lab, clock)) {
            assertThatThrownBy(() -> stub.resolve("nope.example.com").get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ResolutionException.class,
                            e -> assertThat(e.reason()).isEqualTo(ResolutionException.Reason.NXDOMAIN));
            List<DnsStep> seen = new ArrayList<>();
            assertThatThrownBy(() -> stub.resolve("nope.example.com", new RequestListener() {
                @Override
                public void dnsStep(DnsStep step) {
                    seen.add(step);
                }
            }).get()).cause().isInstanceOf(ResolutionException.class);
            assertThat(seen).singleElement().extracting(DnsStep::source).isEqualTo(DnsStep.Source.STUB_CACHE);
        }
    }

    @Test
    void literalsResolveToThemselvesWithoutSteps() throws Exception {
        try (StubResolver stub = new StubResolver(network, lab, new ManualClock())) {
            Resolution r = stub.resolve("198.18.1.10").get();
            assertThat(r.addresses()).extracting(a -> a.getHostAddress()).containsExactly("198.18.1.10");
            assertThat(r.steps()).isEmpty();
        }
    }

    @Test
    void readsTheNameserverOfResolvConf(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, "# generated\nsearch lab\nnameserver 198.18.0.2\nnameserver 198.18.0.3\n");
        assertThat(StubResolver.nameserverFromResolvConf(conf)).isEqualTo(new InetSocketAddress(DemoZones.RESOLVER, 53));
        Files.writeString(conf, "search lab\n");
        assertThatThrownBy(() -> StubResolver.nameserverFromResolvConf(conf)).hasMessageContaining("names no nameserver");
    }

    @Test
    void anUnreachableResolverTimesOut() throws Exception {
        // A bound UDP socket that never answers.
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             StubResolver stub = new StubResolver(new StubConfig(network, (InetSocketAddress) silent.getLocalSocketAddress(),
                     new ManualClock(), Duration.ofMillis(150), 1, true, 16, Duration.ofSeconds(5)))) {
            assertThatThrownBy(() -> stub.resolve("api.example.com").get())
                    .cause().isInstanceOfSatisfying(ResolutionException.class,
                            e -> assertThat(e.reason()).isEqualTo(ResolutionException.Reason.TIMEOUT));
        }
    }
}
