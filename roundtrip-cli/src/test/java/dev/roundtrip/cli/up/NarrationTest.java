package dev.roundtrip.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TlsInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NarrationTest {
    private static final URI URL = URI.create("https://api.example.com/users");
    private static final InetSocketAddress LB = new InetSocketAddress("198.18.1.10", 443);
    private final Narration narration = new Narration(Map.of("198.18.0.4:53", "a.root-servers.net", "198.18.1.10:443", "lb.example.com"));

    private static Timeline timeline(List<Phase> phases, List<DnsStep> steps, boolean reused, TlsInfo tls) {
        return new Timeline("GET", URL, phases, steps, LB, reused, tls, "h2", 200, 2976,
                List.of(new ServerTiming("lb", 1.5, ""), new ServerTiming("app", 1.0, "")), 10_000_000, null);
    }

    @Test
    void coldWalkNamesEachServerAndSaysWhichStepsCameFromTheResolversCache() {
        List<DnsStep> steps = List.of(
                new DnsStep(DnsStep.Source.QUERY, "198.18.0.4:53", ".", "com. A", "referral to com.", 2_000_000),
                DnsStep.cacheHit(DnsStep.Source.RESOLVER_CACHE, "example.com. A", "referral to example.com."));
        TlsInfo tls = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", "CN=api.example.com", "CN=roundtrip local CA,O=roundtrip",
                List.of("api.example.com"), Instant.EPOCH, false);
        Timeline t = timeline(List.of(new Phase(PhaseKind.DNS, 0, 3_000_000), new Phase(PhaseKind.CONNECT, 3_000_000, 100_000),
                new Phase(PhaseKind.TLS, 3_100_000, 1_000_000)), steps, false, tls);

        List<String> lines = narration.explain(t);

        assertThat(lines.get(0)).contains("walked the hierarchy",
                "- a.root-servers.net (198.18.0.4:53) for zone .: referral to com. (2.0 ms)",
                "- the resolver's cache for example.com. A: referral to example.com.");
        assertThat(lines.get(1)).startsWith("tcp").contains("lb.example.com (198.18.1.10:443)");
        assertThat(lines.get(2)).contains("TLSv1.3 handshake", "signed by roundtrip local CA", "ALPN chose h2.");
        assertThat(lines.get(4)).contains("lb 1.50 ms", "app 1.00 ms");
        assertThat(lines).hasSize(PhaseKind.values().length - 1); // no quic line over TCP
    }

    @Test
    void warmCallSaysWhatDidNotHappenAndWhy() {
        Timeline t = timeline(List.of(new Phase(PhaseKind.SEND, 0, 100_000)), List.of(), true, null);

        List<String> lines = narration.explain(t);

        assertThat(lines.get(0)).contains("no lookup", "open connection to api.example.com");
        assertThat(lines.get(1)).contains("no handshake", "reused");
        assertThat(lines.get(2)).contains("TLS: no handshake");
    }

    @Test
    void stubCacheHitSaysNoPacketLeft() {
        Timeline t = timeline(List.of(new Phase(PhaseKind.DNS, 0, 10_000)),
                List.of(DnsStep.cacheHit(DnsStep.Source.STUB_CACHE, "api.example.com. A", "answer 198.18.1.10")), false, null);
        assertThat(narration.explain(t).getFirst()).contains("client's own cache (answer 198.18.1.10)", "no packet left the machine");
    }
}
