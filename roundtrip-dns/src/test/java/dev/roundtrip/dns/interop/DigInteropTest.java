package dev.roundtrip.dns.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.dns.MiniInternet;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dig (BIND) and kdig (Knot) against our authoritative server and our resolver. */
class DigInteropTest {
    static MiniInternet net;
    static AuthoritativeServer big;
    static InetSocketAddress bigReal;

    @BeforeAll
    static void start() throws Exception {
        net = new MiniInternet(new ManualClock());
        StringBuilder zone = new StringBuilder("$ORIGIN big.test.\n$TTL 300\n@ SOA ns h 1 2 3 4 60\n@ NS ns\nns A 127.0.0.1\n");
        for (int i = 0; i < 40; i++) {
            zone.append("txt TXT \"record ").append(i).append(" of a set too big for one 1232-byte datagram........\"\n");
        }
        big = new AuthoritativeServer(new AuthoritativeConfig(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(Peers.zone(zone.toString()))));
        bigReal = big.start().get().getFirst().real();
    }

    @AfterAll
    static void stop() throws Exception {
        net.close();
        big.stop(Duration.ZERO).get();
    }

    static String port(InetSocketAddress a) {
        return String.valueOf(a.getPort());
    }

    @Test
    void digReadsAuthoritativeAnswersWithoutWarnings() throws Exception {
        String dig = Peers.require("dig");
        InetSocketAddress auth = net.real(MiniInternet.AUTH);
        for (String transport : new String[] {"+notcp", "+tcp"}) {
            Peers.Result r = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(auth), "+norecurse", transport,
                    "www.example.com", "A");
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("status: NOERROR", "flags: qr aa;", "ANSWER: 2",
                    "www.example.com.\t300\tIN\tCNAME\tapi.example.com.", "api.example.com.\t300\tIN\tA\t198.18.1.10");
            assertThat(r.output()).doesNotContainIgnoringCase("warning").doesNotContain("malformed");
        }
        Peers.Result nx = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(auth), "+norecurse", "nope.example.com");
        assertThat(nx.output()).contains("status: NXDOMAIN", "flags: qr aa;", "AUTHORITY: 1", "IN\tSOA\tns1.example.com.");
        Peers.Result refused = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(auth), "+norecurse", "example.org");
        assertThat(refused.output()).contains("status: REFUSED");
    }

    @Test
    void digRetriesTruncatedAnswersOverTcp() throws Exception {
        String dig = Peers.require("dig");
        Peers.Result r = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(bigReal), "+norecurse", "txt.big.test", "TXT");
        assertThat(r.output()).contains("Truncated, retrying in TCP mode", "ANSWER: 40", "(TCP)");
        Peers.Result noEdns = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(bigReal), "+norecurse", "+noedns",
                "+ignore", "txt.big.test", "TXT");
        assertThat(noEdns.output()).contains("flags: qr aa tc", "ANSWER: 0");
    }

    @Test
    void kdigReadsAuthoritativeAndResolverAnswers() throws Exception {
        String kdig = Peers.require("kdig");
        InetSocketAddress auth = net.real(MiniInternet.AUTH);
        Peers.Result a = Peers.run(Duration.ofSeconds(10), kdig, "@127.0.0.1", "-p", port(auth), "+norecurse", "example.com", "MX");
        assertThat(a.output()).contains("status: NOERROR", "Flags: qr aa;", "\t300\tIN\tMX\t10 mail.example.com.");
        assertThat(a.output()).contains("ADDITIONAL SECTION:").contains("\tIN\tA\t198.18.1.25");
        assertThat(a.output()).doesNotContainIgnoringCase("warning");
        Peers.Result tcp = Peers.run(Duration.ofSeconds(10), kdig, "@127.0.0.1", "-p", port(net.real(MiniInternet.RESOLVER)), "+tcp",
                "www.example.com", "A");
        assertThat(tcp.output()).contains("status: NOERROR", "Flags: qr rd ra;", "198.18.1.10");
        assertThat(tcp.output()).doesNotContainIgnoringCase("warning");
    }

    @Test
    void digThroughOurResolver() throws Exception {
        String dig = Peers.require("dig");
        InetSocketAddress resolver = net.real(MiniInternet.RESOLVER);
        Peers.Result r = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(resolver), "api.example.com", "AAAA");
        assertThat(r.output()).contains("status: NOERROR", "flags: qr rd ra;", "2001:db8:1::10");
        assertThat(r.output()).doesNotContainIgnoringCase("warning");
        Peers.Result formerr = Peers.run(Duration.ofSeconds(10), dig, "@127.0.0.1", "-p", port(resolver), "+edns=1", "+noednsneg",
                "api.example.com");
        assertThat(formerr.output()).contains("status: BADVERS");
    }
}
