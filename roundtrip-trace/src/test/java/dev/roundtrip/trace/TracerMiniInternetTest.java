package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.stub.StubResolver;
import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.trace.testing.DelayingUdpRelay;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracer on the embedded mini-internet: roundtrip's stub resolver asks its recursive resolver
 * (through a relay that holds every answer 30 ms), which iterates root -> com. -> example.com.;
 * the request then goes to api.example.com's lab address, mapped to a loopback port.
 */
class TracerMiniInternetTest {
    private static final long MS = 1_000_000;
    static Network network = Network.embedded();
    static List<AuthoritativeServer> authorities;
    static TestHttpServer api;
    static int nextResolver = 100; // 198.18.0.100 and up: clear of the demo hosts
    RecursiveResolver recursive;
    DelayingUdpRelay slowResolver;

    @BeforeAll
    static void start() throws Exception {
        authorities = List.of(
                new AuthoritativeServer(new AuthoritativeConfig(network, new InetSocketAddress(DemoZones.ROOT_SERVER, 53), List.of(DemoZones.root()))),
                new AuthoritativeServer(new AuthoritativeConfig(network, new InetSocketAddress(DemoZones.TLD_SERVER, 53), List.of(DemoZones.com()))),
                new AuthoritativeServer(new AuthoritativeConfig(network, new InetSocketAddress(DemoZones.EXAMPLE_COM_SERVER, 53), List.of(DemoZones.exampleCom()))));
        for (AuthoritativeServer s : authorities) {
            s.start().get();
        }
        api = TestHttpServer.http1At(network.bindAddress(new InetSocketAddress(DemoZones.API, 80)),
                Behavior.ok().withServerTiming("lb;dur=3, app;dur=2"));
    }

    /** A recursive resolver with an empty cache for each test (on its own lab address), behind the 30 ms relay. */
    @BeforeEach
    void startResolver() throws Exception {
        InetSocketAddress resolverLab = new InetSocketAddress(java.net.InetAddress.getByName("198.18.0." + nextResolver++), 53);
        recursive = new RecursiveResolver(new RecursiveConfig(network, resolverLab, DemoZones.rootServers(), MonotonicClock.SYSTEM));
        recursive.start().get();
        slowResolver = new DelayingUdpRelay(network.connectAddress(resolverLab), Duration.ofMillis(30));
    }

    @AfterEach
    void stopResolver() throws Exception {
        slowResolver.close();
        recursive.stop(Duration.ZERO).get();
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        for (AuthoritativeServer s : authorities) {
            s.stop(Duration.ZERO).get();
        }
    }

    private static Tracer tracer(StubResolver stub, boolean reuse) {
        Duration five = Duration.ofSeconds(5);
        return new Tracer(TracerConfig.defaults(stub).withNetwork(network).withDnsCacheTtl(Duration.ZERO).withReuseConnections(reuse)
                .withTimeouts(five, five, five, five));
    }

    @Test
    void theResolversStepsAppearUnderDnsAndTheLabAddressIsConnected() {
        try (StubResolver stub = new StubResolver(network, slowResolver.address(), MonotonicClock.SYSTEM);
             Tracer tracer = tracer(stub, false)) {
            Timeline cold = tracer.trace(TraceRequest.get("http://api.example.com/users"));
            assertThat(cold.failure()).as(() -> dev.roundtrip.trace.render.Waterfall.render(cold, dev.roundtrip.trace.render.Waterfall.Style.plain())
                    + "\nserver: " + api.counts() + "\nnetwork: " + network.mappings()).isNull();
            assertThat(cold.status()).isEqualTo(200);
            assertThat(cold.phase(PhaseKind.DNS).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(30 * MS);
            assertThat(cold.remoteAddress()).isEqualTo(new InetSocketAddress(DemoZones.API, 80));
            assertThat(cold.dnsSteps()).extracting(DnsStep::zone).contains(".", "com.", "example.com.");
            assertThat(cold.dnsSteps()).filteredOn(s -> s.source() == DnsStep.Source.QUERY)
                    .allSatisfy(s -> assertThat(s.server()).startsWith("198.18.0."));
            assertThat(cold.serverTimings()).hasSize(2);

            // The same name again, to a port where nothing listens on the embedded network: the stub
            // answers from its cache at once, and the connect fails without touching a socket.
            TraceResult warm = tracer.run(TraceRequest.get("http://api.example.com:81/users"));
            assertThat(warm.timeline().dnsSteps()).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.source()).isEqualTo(DnsStep.Source.STUB_CACHE));
            assertThat(warm.timeline().phase(PhaseKind.DNS).orElseThrow().durationNanos()).isLessThan(30 * MS);
            assertThat(warm.failureClass()).isEqualTo(FailureClass.CONNECT_OTHER);
            // both addresses (A, then AAAA) were tried; the message names the last
            assertThat(warm.timeline().failure().message())
                    .isEqualTo("TCP connect to [2001:db8:1:0:0:0:0:10]:81: nothing listens on [2001:db8:1:0:0:0:0:10]:81 in the embedded network");
        }
    }

    @Test
    void aNameThatDoesNotExistIsNxdomainFromTheRealHierarchy() {
        try (StubResolver stub = new StubResolver(network, slowResolver.address(), MonotonicClock.SYSTEM);
             Tracer tracer = tracer(stub, true)) {
            TraceResult r = tracer.run(TraceRequest.get("http://nope.example.com/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.DNS_NXDOMAIN);
            assertThat(r.timeline().failure().message()).contains("nope.example.com").contains("NXDOMAIN");
            assertThat(r.timeline().phase(PhaseKind.DNS).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(30 * MS);
        }
    }
}
