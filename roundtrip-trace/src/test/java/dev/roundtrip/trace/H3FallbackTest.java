package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.tls.TlsContexts;
import dev.roundtrip.trace.AltSvcOutcome.End;
import dev.roundtrip.trace.AltSvcOutcome.Result;
import dev.roundtrip.trace.render.TraceJson;
import dev.roundtrip.trace.render.Waterfall;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.SilentUdpPort;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --http auto} when the advertised HTTP/3 alternative does not answer: an origin over TCP
 * whose {@code Alt-Svc} names a UDP port that swallows every datagram. The repeat that follows the
 * advertisement tries QUIC, falls back to TCP + TLS after the fallback delay and succeeds; the one
 * after it goes straight to TCP, the alternative being broken. {@code --http 3} does not fall back.
 */
class H3FallbackTest {
    private static final Duration DELAY = TracerConfig.DEFAULT_H3_FALLBACK_DELAY;

    @TempDir
    static Path caDir;
    static LocalCa ca;
    static IssuedCertificate leaf;

    @BeforeAll
    static void ca() {
        ca = LocalCa.loadOrCreate(caDir);
        leaf = ca.issue(List.of("api.test", "127.0.0.1"));
    }

    static TracerConfig config(HttpVersion http) {
        return TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(http)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void aSilentAlternativeFallsBackToTcpThenIsSkipped() throws Exception {
        try (SilentUdpPort hole = new SilentUdpPort();
             TestHttpServer origin = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok().withAltSvc("h3=\":" + hole.port() + "\"; ma=60"));
             Tracer tracer = new Tracer(config(HttpVersion.ALT_SVC).withReuseConnections(false))) {
            TraceRequest request = TraceRequest.get("https://api.test:" + origin.port() + "/users");
            List<TraceResult> runs = new ArrayList<>();

            runs.add(tracer.run(request));
            assertThat(runs.get(0).altSvc()).as("nothing advertised yet").isNull();
            assertThat(hole.senders()).isEmpty();

            runs.add(tracer.run(request));
            TraceResult fallback = runs.get(1);
            Timeline t = fallback.timeline();
            assertThat(t.failure()).isNull();
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.protocol()).isEqualTo("h2");
            assertThat(t.phases()).extracting(Phase::kind)
                    .containsExactly(PhaseKind.DNS, PhaseKind.CONNECT, PhaseKind.TLS, PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            assertThat(t.tls().alpn()).isEqualTo("h2");
            assertThat(t.remoteAddress().getPort()).isEqualTo(origin.port());
            AltSvcOutcome outcome = fallback.altSvc();
            assertThat(outcome.result()).isEqualTo(Result.TCP_QUIC_ABANDONED);
            assertThat(outcome.h3Port()).isEqualTo(hole.port());
            assertThat(outcome.quic().end()).isEqualTo(End.ABANDONED);
            assertThat(outcome.tcp().end()).isEqualTo(End.READY);
            // TCP waited for the delay, and QUIC was given up only when TCP + TLS was ready
            assertThat(outcome.tcp().startNanos() - outcome.quic().startNanos()).isGreaterThanOrEqualTo(DELAY.toNanos());
            assertThat(outcome.quic().endNanos()).isEqualTo(outcome.tcp().endNanos());
            assertThat(t.phase(PhaseKind.CONNECT).orElseThrow().startNanos()).isGreaterThanOrEqualTo(outcome.tcp().startNanos());
            assertThat(outcome.explain()).startsWith("over TCP: no QUIC handshake with h3 on UDP port " + hole.port());
            // the QUIC attempt was real: its Initial reached the port...
            assertThat(hole.senders()).isNotEmpty();
            // ...and its socket is closed: the client's UDP port can be bound again
            InetSocketAddress client = hole.senders().getFirst();
            await().atMost(Duration.ofSeconds(5)).until(() -> bindable(client));

            runs.add(tracer.run(request));
            TraceResult skipped = runs.get(2);
            assertThat(skipped.timeline().failure()).isNull();
            assertThat(skipped.timeline().protocol()).isEqualTo("h2");
            assertThat(skipped.altSvc().result()).isEqualTo(Result.TCP_BROKEN);
            assertThat(skipped.altSvc().quic()).isNull();
            assertThat(skipped.altSvc().brokenReason()).startsWith("no QUIC handshake within " + DELAY.toMillis() + " ms");
            assertThat(skipped.altSvc().explain()).contains("marked broken earlier in this run").contains("straight to TCP");
            assertThat(skipped.timeline().phase(PhaseKind.CONNECT)).isPresent();
            assertThat(hole.senders()).as("no QUIC attempt: every datagram came from the second run's socket").allMatch(client::equals);

            String waterfall = Waterfall.render(runs, Waterfall.Style.plain());
            assertThat(waterfall).contains("over TCP: no QUIC handshake").contains("abandoned").contains("marked broken earlier");
            String json = TraceJson.render(runs);
            assertThat(json).contains("\"result\" : \"tcp_quic_abandoned\"").contains("\"result\" : \"tcp_broken\"");
        }
    }

    @Test
    void withAPooledConnectionTheFallbackReusesIt() throws Exception {
        try (SilentUdpPort hole = new SilentUdpPort();
             TestHttpServer origin = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok().withAltSvc("h3=\":" + hole.port() + "\""));
             Tracer tracer = new Tracer(config(HttpVersion.ALT_SVC))) {
            TraceRequest request = TraceRequest.get("https://api.test:" + origin.port() + "/users");
            TraceResult first = tracer.run(request);
            TraceResult second = tracer.run(request);
            TraceResult third = tracer.run(request);

            assertThat(second.timeline().failure()).isNull();
            assertThat(second.altSvc().result()).isEqualTo(Result.TCP_QUIC_ABANDONED);
            assertThat(second.timeline().connectionReused()).isTrue();
            assertThat(second.connectionId()).isEqualTo(first.connectionId());
            assertThat(second.timeline().phase(PhaseKind.CONNECT)).isEmpty();
            assertThat(second.altSvc().tcpReused()).isTrue();
            assertThat(second.altSvc().explain()).contains("so the idle TCP connection took the request");
            assertThat(third.altSvc().result()).isEqualTo(Result.TCP_BROKEN);
            assertThat(third.connectionId()).isEqualTo(first.connectionId());
            assertThat(origin.connectionsAccepted()).isEqualTo(1);
        }
    }

    /**
     * An alternative that answers but cannot be trusted (a load balancer serving h3 with another
     * CA's certificate): the QUIC handshake fails within milliseconds, and TCP starts at once
     * rather than after the (here long) fallback delay.
     */
    @Test
    void aFailedHandshakeStartsTcpAtOnce(@TempDir Path otherCa) throws Exception {
        Duration longDelay = Duration.ofSeconds(5);
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [api.test] } ], ca_dir: %s }
                http3: true
                backends: [127.0.0.1:9]
                access_log: false
                """.formatted(otherCa));
        var lb = new dev.roundtrip.edge.LoadBalancer("untrusted-h3", dev.roundtrip.edge.config.EdgeConfigParser.parse(yaml, "", null),
                dev.roundtrip.core.net.Network.host(), dev.roundtrip.core.timeline.MonotonicClock.SYSTEM);
        try (TestHttpServer origin = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok());
             Tracer tracer = new Tracer(config(HttpVersion.ALT_SVC).withH3FallbackDelay(longDelay))) {
            int h3 = lb.start().get(20, java.util.concurrent.TimeUnit.SECONDS).stream()
                    .filter(b -> b.protocol().equals("h3")).findFirst().orElseThrow().real().getPort();
            origin.behave(Behavior.ok().withAltSvc("h3=\":" + h3 + "\""));
            TraceRequest request = TraceRequest.get("https://api.test:" + origin.port() + "/users");
            tracer.run(request);
            TraceResult r = tracer.run(request);

            assertThat(r.timeline().failure()).isNull();
            assertThat(r.timeline().protocol()).isEqualTo("h2");
            AltSvcOutcome outcome = r.altSvc();
            assertThat(outcome.result()).isEqualTo(Result.TCP_QUIC_FAILED);
            assertThat(outcome.quic().end()).isEqualTo(End.FAILED);
            assertThat(outcome.quic().error()).startsWith("QUIC handshake with api.test (127.0.0.1:" + h3 + "/udp)");
            assertThat(outcome.tcp().startNanos()).isGreaterThanOrEqualTo(outcome.quic().endNanos());
            assertThat(r.timeline().totalNanos()).as("no waiting for the delay").isLessThan(longDelay.toNanos());
            assertThat(outcome.explain()).contains("failed after").contains("took over at once");
            assertThat(tracer.run(request).altSvc().result()).isEqualTo(Result.TCP_BROKEN);
        } finally {
            lb.stop(Duration.ofMillis(100)).get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void explicitHttp3DoesNotFallBack() throws Exception {
        try (SilentUdpPort hole = new SilentUdpPort();
             Tracer tracer = new Tracer(config(HttpVersion.HTTP_3)
                     .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(5)))) {
            TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + hole.port() + "/users"));

            assertThat(r.succeeded()).isFalse();
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.QUIC);
            assertThat(r.failureClass()).isEqualTo(FailureClass.CONNECT_TIMEOUT);
            assertThat(r.timeline().phase(PhaseKind.CONNECT)).isEmpty();
            assertThat(r.altSvc()).isNull();
            assertThat(hole.senders()).isNotEmpty();
        }
    }

    private static boolean bindable(InetSocketAddress address) {
        try (DatagramSocket s = new DatagramSocket(address)) {
            return true;
        } catch (SocketException inUse) {
            return false;
        }
    }
}
