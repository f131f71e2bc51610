package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.tls.TlsContexts;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import dev.roundtrip.trace.testing.TestPki;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS through roundtrip's local CA: ALPN, the TLS phase and its facts, resumption, and every certificate failure. */
class TracerTlsTest {
    private static final long MS = 1_000_000;

    @TempDir
    static Path caDir;
    static LocalCa ca;
    static IssuedCertificate leaf;

    @BeforeAll
    static void ca() {
        ca = LocalCa.loadOrCreate(caDir);
        leaf = ca.issue(List.of("api.test", "127.0.0.1"));
    }

    private static TracerConfig config(HttpVersion http) {
        return TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(30)))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(http);
    }

    @ParameterizedTest
    @CsvSource({"AUTO, h2, h2", "HTTP_1_1, http/1.1, HTTP/1.1", "HTTP_2, h2, h2"})
    void tlsIsAPhaseWithItsFactsAndAlpnPicksTheProtocol(HttpVersion http, String alpn, String protocol) {
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok().withDelay(Duration.ofMillis(50)));
             Tracer tracer = new Tracer(config(http))) {
            Timeline t = tracer.trace(TraceRequest.get("https://api.test:" + server.port() + "/users"));

            assertThat(t.failure()).isNull();
            assertThat(t.phases()).extracting(Phase::kind).containsExactly(PhaseKind.DNS, PhaseKind.CONNECT, PhaseKind.TLS,
                    PhaseKind.SEND, PhaseKind.WAIT, PhaseKind.RECEIVE);
            for (int i = 1; i < t.phases().size(); i++) {
                assertThat(t.phases().get(i).startNanos()).isGreaterThanOrEqualTo(t.phases().get(i - 1).endNanos());
            }
            assertThat(t.phase(PhaseKind.DNS).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(30 * MS);
            // the server's 50 ms start after it has the request, which is after the request started
            // and before the first byte: a bound that holds however the threads are scheduled
            assertThat(t.phase(PhaseKind.WAIT).orElseThrow().endNanos() - t.phase(PhaseKind.SEND).orElseThrow().startNanos())
                    .isGreaterThanOrEqualTo(50 * MS);
            assertThat(t.phase(PhaseKind.TLS).orElseThrow().durationNanos()).isPositive();
            assertThat(t.protocol()).isEqualTo(protocol);
            TlsInfo tls = t.tls();
            assertThat(tls.version()).isEqualTo("TLSv1.3");
            assertThat(tls.cipherSuite()).startsWith("TLS_");
            assertThat(tls.alpn()).isEqualTo(alpn);
            assertThat(tls.peerSubject()).contains("CN=api.test");
            assertThat(tls.peerIssuer()).contains("CN=roundtrip local CA");
            assertThat(tls.peerNames()).contains("api.test", "127.0.0.1");
            assertThat(tls.peerNotAfter()).isAfter(Instant.now());
            assertThat(tls.resumed()).isFalse();
        }
    }

    @Test
    void aSecondConnectionResumesTheTlsSessionAndAReusedOneHasNoTlsPhase() {
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok());
             Tracer fresh = new Tracer(config(HttpVersion.AUTO).withReuseConnections(false));
             Tracer pooled = new Tracer(config(HttpVersion.AUTO))) {
            TraceRequest request = TraceRequest.get("https://127.0.0.1:" + server.port() + "/");
            Timeline first = fresh.trace(request);
            Timeline second = fresh.trace(request);
            assertThat(first.tls().resumed()).isFalse();
            assertThat(second.failure()).isNull();
            assertThat(second.phase(PhaseKind.TLS)).isPresent();
            assertThat(second.tls().resumed()).as("TLS 1.3 session ticket resumption").isTrue();

            pooled.trace(request);
            Timeline reused = pooled.trace(request);
            assertThat(reused.connectionReused()).isTrue();
            assertThat(reused.phase(PhaseKind.TLS)).isEmpty();
            assertThat(reused.phase(PhaseKind.CONNECT)).isEmpty();
        }
    }

    @Test
    void anUntrustedCertificateFailsInTheTlsPhaseNamingTheCertificate() {
        TestPki other = new TestPki("some other CA");
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(leaf), Behavior.ok());
             Tracer tracer = new Tracer(config(HttpVersion.AUTO).withTrust(TrustPolicy.roots(List.of(other.root()))))) {
            TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.TLS_UNTRUSTED);
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.TLS);
            assertThat(r.timeline().failure().message()).contains("not trusted").contains("api.test").contains("roundtrip local CA");
            assertThat(r.exitCode()).isEqualTo(30);
        }
    }

    @Test
    void anExpiredCertificateSaysWhenItExpired() {
        TestPki pki = new TestPki("expiring CA");
        Instant now = Instant.now();
        IssuedCertificate expired = pki.leaf(List.of("api.test"), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(expired), Behavior.ok());
             Tracer tracer = new Tracer(config(HttpVersion.AUTO).withTrust(TrustPolicy.roots(List.of(pki.root()))))) {
            TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.TLS_EXPIRED);
            assertThat(r.timeline().failure().message()).contains("expired at").contains("api.test");
            assertThat(r.exitCode()).isEqualTo(31);
        }
    }

    @Test
    void aCertificateForAnotherNameListsTheNamesItHas() {
        IssuedCertificate other = ca.issue(List.of("www.other.test", "other.test"));
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(other), Behavior.ok());
             Tracer tracer = new Tracer(config(HttpVersion.AUTO))) {
            TraceResult r = tracer.run(TraceRequest.get("https://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.TLS_NAME_MISMATCH);
            assertThat(r.timeline().failure().message())
                    .contains("not valid for api.test").contains("www.other.test, other.test");
            assertThat(r.exitCode()).isEqualTo(32);
            assertThat(r.timeline().phase(PhaseKind.TLS)).isPresent();
        }
    }

    @Test
    void insecureAcceptsAnyCertificateButStillShowsIt() {
        IssuedCertificate other = ca.issue(List.of("other.test"));
        try (TestHttpServer server = TestHttpServer.tls(TlsContexts.nettyServer(other), Behavior.ok());
             Tracer tracer = new Tracer(config(HttpVersion.AUTO).withTrust(TrustPolicy.insecure()))) {
            Timeline t = tracer.trace(TraceRequest.get("https://api.test:" + server.port() + "/"));
            assertThat(t.failure()).isNull();
            assertThat(t.tls().peerNames()).containsExactly("other.test");
        }
    }
}
