package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cleartext HTTP/1.1 and h2c against a local server with injected delays: the resolver answers
 * after 30 ms, the server waits 50 ms before its first byte. Asserts order and lower bounds only.
 */
class TracerCleartextTest {
    private static final long MS = 1_000_000;

    enum Proto { HTTP1, H2C }

    private static TestHttpServer server(Proto p, Behavior b) {
        return p == Proto.HTTP1 ? TestHttpServer.http1(b) : TestHttpServer.h2c(b);
    }

    private static TracerConfig config(DelayedResolver resolver, Proto p) {
        return TracerConfig.defaults(resolver).withHttp(p == Proto.HTTP1 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_2);
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void everyPhaseIsTimedInOrderWithTheInjectedDelays(Proto proto) {
        DelayedResolver resolver = DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(30));
        try (TestHttpServer server = server(proto, Behavior.ok().withDelay(Duration.ofMillis(50))
                     .withServerTiming("lb;dur=45.5, app;dur=40, db;dur=12.25;desc=\"select users\"").withBody(1000));
             Tracer tracer = new Tracer(config(resolver, proto))) {
            TraceResult result = tracer.run(TraceRequest.get("http://api.test:" + server.port() + "/users"));
            Timeline t = result.timeline();

            assertThat(t.failure()).isNull();
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.protocol()).isEqualTo(proto == Proto.HTTP1 ? "HTTP/1.1" : "h2");
            assertThat(t.responseBytes()).isEqualTo(1000);
            assertThat(t.phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.DNS, PhaseKind.CONNECT, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            for (int i = 1; i < t.phases().size(); i++) {
                assertThat(t.phases().get(i).startNanos()).isGreaterThanOrEqualTo(t.phases().get(i - 1).endNanos());
            }
            assertThat(t.phase(PhaseKind.DNS).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(30 * MS);
            // the server's 50 ms start after it has the request, which is after the request started
            // and before the first byte: a bound that holds however the threads are scheduled
            assertThat(t.phase(PhaseKind.WAIT).orElseThrow().endNanos() - t.phase(PhaseKind.SEND).orElseThrow().startNanos())
                    .isGreaterThanOrEqualTo(50 * MS);
            assertThat(t.totalNanos()).isGreaterThanOrEqualTo(80 * MS)
                    .isGreaterThanOrEqualTo(t.phases().getLast().endNanos());
            assertThat(t.dnsSteps()).singleElement().satisfies(s -> {
                assertThat(s.source()).isEqualTo(DnsStep.Source.QUERY);
                assertThat(s.outcome()).isEqualTo("answer 127.0.0.1");
            });
            assertThat(t.remoteAddress().getPort()).isEqualTo(server.port());
            assertThat(t.connectionReused()).isFalse();
            assertThat(t.tls()).isNull();
            assertThat(t.serverTimings()).extracting(s -> s.name() + "=" + s.durationMillis())
                    .containsExactly("lb=45.5", "app=40.0", "db=12.25");
            assertThat(result.responseHeaders()).anySatisfy(h -> assertThat(h.name()).isEqualToIgnoringCase("content-type"));
            assertThat(result.requestBytes()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aRepeatedRequestReusesTheConnectionAndSkipsDnsAndConnect(Proto proto) {
        DelayedResolver resolver = DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(30));
        try (TestHttpServer server = server(proto, Behavior.ok());
             Tracer tracer = new Tracer(config(resolver, proto))) {
            TraceRequest request = TraceRequest.get("http://api.test:" + server.port() + "/");
            TraceResult cold = tracer.run(request);
            TraceResult warm = tracer.run(request);

            assertThat(cold.timeline().connectionReused()).isFalse();
            assertThat(warm.timeline().failure()).isNull();
            assertThat(warm.timeline().connectionReused()).isTrue();
            assertThat(warm.connectionId()).isEqualTo(cold.connectionId());
            assertThat(warm.timeline().phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            assertThat(server.connectionsAccepted()).isEqualTo(1);
            assertThat(resolver.asked()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void withoutReuseTheSecondLookupIsAStubCacheHit(Proto proto) {
        DelayedResolver resolver = DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(30));
        try (TestHttpServer server = server(proto, Behavior.ok());
             Tracer tracer = new Tracer(config(resolver, proto).withReuseConnections(false))) {
            TraceRequest request = TraceRequest.get("http://api.test:" + server.port() + "/");
            TraceResult cold = tracer.run(request);
            TraceResult warm = tracer.run(request);

            assertThat(warm.timeline().failure()).isNull();
            assertThat(warm.connectionId()).isNotEqualTo(cold.connectionId());
            assertThat(warm.timeline().phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.DNS, PhaseKind.CONNECT, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            assertThat(warm.timeline().dnsSteps()).singleElement()
                    .satisfies(s -> assertThat(s.source()).isEqualTo(DnsStep.Source.STUB_CACHE));
            assertThat(warm.timeline().phase(PhaseKind.DNS).orElseThrow().durationNanos()).isLessThan(30 * MS);
            assertThat(resolver.asked()).isEqualTo(1);
            assertThat(server.connectionsAccepted()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aServerThatClosesAfterEachResponseGetsANewConnection(Proto proto) {
        if (proto == Proto.H2C) {
            return; // Connection: close is HTTP/1.1 only
        }
        DelayedResolver resolver = DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(1));
        try (TestHttpServer server = server(proto, Behavior.ok().closing());
             Tracer tracer = new Tracer(config(resolver, proto))) {
            TraceRequest request = TraceRequest.get("http://api.test:" + server.port() + "/");
            tracer.run(request);
            TraceResult second = tracer.run(request);
            assertThat(second.timeline().failure()).isNull();
            assertThat(second.timeline().connectionReused()).isFalse();
            assertThat(second.timeline().dnsSteps()).singleElement()
                    .satisfies(s -> assertThat(s.source()).isEqualTo(DnsStep.Source.STUB_CACHE));
            assertThat(server.connectionsAccepted()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void anIpLiteralHasNoDnsPhaseAndConnectToRedirectsTheConnection(Proto proto) {
        DelayedResolver resolver = DelayedResolver.answering("unused.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(1));
        try (TestHttpServer server = server(proto, Behavior.ok());
             Tracer tracer = new Tracer(config(resolver, proto)
                     .withConnectTo(List.of(ConnectTo.parse("api.example.com:80:127.0.0.1:" + server.port()))))) {
            TraceResult viaRule = tracer.run(TraceRequest.get("http://api.example.com/"));
            assertThat(viaRule.timeline().failure()).isNull();
            assertThat(viaRule.timeline().phase(PhaseKind.DNS)).isEmpty();
            assertThat(viaRule.timeline().remoteAddress().getPort()).isEqualTo(server.port());
            assertThat(viaRule.requestHeaders()).anySatisfy(h -> assertThat(h.value()).isEqualTo("api.example.com"));
            assertThat(resolver.asked()).isZero();
        }
    }
}
