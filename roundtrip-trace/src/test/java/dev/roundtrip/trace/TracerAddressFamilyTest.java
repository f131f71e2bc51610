package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.trace.render.TraceJson;
import dev.roundtrip.trace.testing.DelayedResolver;
import dev.roundtrip.trace.testing.TestHttpServer;
import dev.roundtrip.trace.testing.TestHttpServer.Behavior;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IPv4 and IPv6: the address chosen and its family are part of the TCP phase, and a refused address falls through to the next. */
class TracerAddressFamilyTest {
    private static final InetAddress V6_LOOPBACK = loopback6();

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean ipv6() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(V6_LOOPBACK, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anIpv6LiteralConnectsOverIpv6() {
        assumeTrue(ipv6(), "no IPv6 loopback on this machine: skipping");
        try (TestHttpServer server = TestHttpServer.http1At(new InetSocketAddress(V6_LOOPBACK, 0), Behavior.ok());
             Tracer tracer = new Tracer(TracerConfig.defaults(DelayedResolver.failing(null, Duration.ZERO)))) {
            TraceResult r = tracer.run(TraceRequest.get("http://[::1]:" + server.port() + "/"));
            assertThat(r.timeline().failure()).isNull();
            assertThat(r.timeline().remoteAddress().getAddress()).isInstanceOf(Inet6Address.class);
            assertThat(r.requestHeaders()).contains(new Header("Host", "[::1]:" + server.port()));
            assertThat(TraceJson.document(List.of(r)).get("runs").get(0).get("remote").get("ip_version").asInt()).isEqualTo(6);
        }
    }

    @Test
    void aRefusedFirstAddressFallsThroughToTheNext() throws IOException {
        assumeTrue(ipv6(), "no IPv6 loopback on this machine: skipping");
        try (TestHttpServer server = TestHttpServer.http1(Behavior.ok()); Socket v6BoundOnly = new Socket()) {
            try {
                v6BoundOnly.bind(new InetSocketAddress(V6_LOOPBACK, server.port())); // the same port on ::1 refuses
            } catch (IOException taken) {
                assumeTrue(false, "[::1]:" + server.port() + " is in use: cannot make it refuse");
            }
            DelayedResolver both = new DelayedResolver(Map.of("api.test", List.of(V6_LOOPBACK, InetAddress.getLoopbackAddress())),
                    Duration.ZERO, null);
            try (Tracer tracer = new Tracer(TracerConfig.defaults(both))) {
                Timeline t = tracer.trace(TraceRequest.get("http://api.test:" + server.port() + "/"));
                assertThat(t.failure()).isNull();
                assertThat(t.remoteAddress()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
                assertThat(t.phase(PhaseKind.CONNECT)).isPresent();
            }
        }
    }
}
