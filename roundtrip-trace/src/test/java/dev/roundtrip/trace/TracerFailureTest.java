package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.resolve.ResolutionException.Reason;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every class of failure the tracer names: the phase it happened in, when, a message that says
 * what to check, and its exit code. Real peers throughout: a resolver that fails, a port bound
 * but not listening, a listener whose accept queue is full, a server that sends bytes that are
 * not HTTP, hangs up half-way, or never answers.
 */
class TracerFailureTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration AMPLE = Duration.ofSeconds(5);

    /** Short timeouts only where a test waits for one to strike; ample ones elsewhere, so a busy machine cannot fake a timeout. */
    private static TracerConfig config(DelayedResolver resolver) {
        return TracerConfig.defaults(resolver).withTimeouts(AMPLE, AMPLE, AMPLE, AMPLE);
    }

    private static TracerConfig config(DelayedResolver resolver, Duration dns, Duration connect, Duration response) {
        return TracerConfig.defaults(resolver).withTimeouts(dns, connect, AMPLE, response);
    }

    private static DelayedResolver loopback() {
        return DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ZERO);
    }

    @ParameterizedTest
    @CsvSource({"NXDOMAIN, DNS_NXDOMAIN, 10", "NODATA, DNS_NODATA, 11", "SERVFAIL, DNS_SERVFAIL, 12",
            "REFUSED, DNS_SERVFAIL, 12", "TIMEOUT, DNS_TIMEOUT, 13", "OTHER, DNS_OTHER, 14"})
    void resolverFailuresAreDnsFailures(Reason reason, FailureClass expected, int exitCode) {
        try (Tracer tracer = new Tracer(config(DelayedResolver.failing(reason, Duration.ofMillis(20))))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test/"));
            Timeline t = r.timeline();
            assertThat(r.failureClass()).isEqualTo(expected);
            assertThat(r.exitCode()).isEqualTo(exitCode);
            assertThat(t.failure().phase()).isEqualTo(PhaseKind.DNS);
            assertThat(t.failure().message()).startsWith("DNS: api.test: " + reason);
            assertThat(t.failure().atNanos()).isGreaterThanOrEqualTo(20_000_000L);
            assertThat(t.phase(PhaseKind.DNS).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(20_000_000L);
            assertThat(t.phase(PhaseKind.CONNECT)).isEmpty();
            assertThat(t.dnsSteps()).singleElement().satisfies(s -> assertThat(s.outcome()).isEqualTo(reason.name()));
        }
    }

    @Test
    void aResolverThatNeverAnswersTimesOut() {
        try (Tracer tracer = new Tracer(config(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofSeconds(5)),
                SHORT, AMPLE, AMPLE))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.DNS_TIMEOUT);
            assertThat(r.timeline().failure().message()).isEqualTo("DNS: api.test: no answer in time");
            assertThat(r.timeline().failure().atNanos()).isGreaterThanOrEqualTo(SHORT.toNanos());
        }
    }

    @Test
    void aPortWithNoListenerRefusesTheConnection() throws IOException {
        try (Socket boundOnly = new Socket(); Tracer tracer = new Tracer(config(loopback()))) {
            boundOnly.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // holds the port, never listens
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + boundOnly.getLocalPort() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.CONNECT_REFUSED);
            assertThat(r.exitCode()).isEqualTo(20);
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.CONNECT);
            assertThat(r.timeline().failure().message())
                    .isEqualTo("TCP connect to 127.0.0.1:" + boundOnly.getLocalPort() + ": connection refused (nothing listens there)");
            assertThat(r.timeline().phase(PhaseKind.DNS)).isPresent();
            assertThat(r.timeline().remoteAddress().getPort()).isEqualTo(boundOnly.getLocalPort());
        }
    }

    @Test
    void aListenerWithAFullAcceptQueueTimesTheConnectOut() throws IOException {
        List<Socket> filling = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Tracer tracer = new Tracer(config(loopback(), AMPLE, SHORT, AMPLE))) {
            // The kernel drops SYNs once the accept queue is full: fill it until a connect hangs.
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                filling.add(s);
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                } catch (SocketTimeoutException queueFull) {
                    break;
                }
            }
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + full.getLocalPort() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.CONNECT_TIMEOUT);
            assertThat(r.exitCode()).isEqualTo(21);
            assertThat(r.timeline().failure().message()).isEqualTo("TCP connect to 127.0.0.1:" + full.getLocalPort() + " timed out");
            assertThat(r.timeline().phase(PhaseKind.CONNECT).orElseThrow().durationNanos()).isGreaterThanOrEqualTo(SHORT.toNanos());
        } finally {
            for (Socket s : filling) {
                s.close();
            }
        }
    }

    @Test
    void bytesThatAreNotHttpAreAProtocolError() {
        try (TestHttpServer server = TestHttpServer.http1(Behavior.ok().garbage("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
             Tracer tracer = new Tracer(config(loopback()))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.HTTP_PROTOCOL);
            assertThat(r.exitCode()).isEqualTo(40);
            assertThat(r.timeline().failure().message()).startsWith("HTTP from 127.0.0.1:" + server.port() + ": malformed HTTP/1.1 response");
            assertThat(r.timeline().phase(PhaseKind.WAIT)).isPresent();
        }
    }

    @Test
    void aServerThatHangsUpMidResponseIsAProtocolErrorInTheDownload() {
        try (TestHttpServer server = TestHttpServer.http1(Behavior.ok().garbage("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part"));
             Tracer tracer = new Tracer(config(loopback()))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.HTTP_PROTOCOL);
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.RECEIVE);
            assertThat(r.timeline().failure().message())
                    .isEqualTo("HTTP from 127.0.0.1:" + server.port() + ": the server closed the connection in the middle of the response (9 body bytes read)");
            assertThat(r.timeline().status()).isEqualTo(200);
        }
    }

    @Test
    void anHttp2StreamResetIsAProtocolErrorNamingTheCode() {
        try (TestHttpServer server = TestHttpServer.h2c(Behavior.ok().garbage("reset"));
             Tracer tracer = new Tracer(config(loopback()).withHttp(HttpVersion.HTTP_2))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.HTTP_PROTOCOL);
            assertThat(r.timeline().failure().message()).isEqualTo("HTTP from 127.0.0.1:" + server.port()
                    + ": the server reset the stream (RST_STREAM INTERNAL_ERROR)");
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.WAIT);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesTheResponseOut() {
        try (TestHttpServer server = TestHttpServer.http1(Behavior.ok().withDelay(Duration.ofSeconds(3)));
             Tracer tracer = new Tracer(config(loopback(), AMPLE, AMPLE, SHORT))) {
            TraceResult r = tracer.run(TraceRequest.get("http://api.test:" + server.port() + "/"));
            assertThat(r.failureClass()).isEqualTo(FailureClass.RESPONSE_TIMEOUT);
            assertThat(r.exitCode()).isEqualTo(41);
            assertThat(r.timeline().failure().phase()).isEqualTo(PhaseKind.WAIT);
            assertThat(r.timeline().failure().message()).isEqualTo("HTTP from 127.0.0.1:" + server.port() + ": no complete response in time");
            assertThat(r.timeline().phase(PhaseKind.WAIT).orElseThrow().endNanos()
                    - r.timeline().phase(PhaseKind.SEND).orElseThrow().startNanos()).isGreaterThanOrEqualTo(SHORT.toNanos());
        }
    }

    @Test
    void everyFailureClassHasItsOwnExitCode() {
        assertThat(List.of(FailureClass.values())).extracting(FailureClass::exitCode).doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(10, 99));
    }
}
