package dev.roundtrip.dns.dig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.dns.MiniInternet;
import dev.roundtrip.dns.zone.DemoZones;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** roundtrip dig against the mini-internet: plain queries, +trace, +explain, +short and JSON. */
class DigTest {
    static MiniInternet net;

    @BeforeAll
    static void start() throws Exception {
        net = new MiniInternet(new ManualClock());
    }

    @AfterAll
    static void stop() throws Exception {
        net.close();
    }

    static DigRequest request(InetSocketAddress server, String name, int type, boolean recurse, boolean explain, boolean trace) {
        return new DigRequest(net.network, server, Name.fromConstantString(name), type, false, recurse, explain, trace,
                DemoZones.rootServers(), Duration.ofSeconds(2));
    }

    @Test
    void printsSectionsLikeDig() throws Exception {
        DigRequest req = request(MiniInternet.AUTH, "www.example.com.", Type.A, false, false, false);
        String text = DigFormatter.text(req, Dig.run(req), "@198.18.0.53 www.example.com");
        assertThat(text).contains(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ",
                ";; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1",
                ";; QUESTION SECTION:\n;www.example.com.\t\tIN\tA",
                ";; ANSWER SECTION:\nwww.example.com.\t300\tIN\tCNAME\tapi.example.com.\napi.example.com.\t300\tIN\tA\t198.18.1.10",
                ";; SERVER: 198.18.0.53#53(198.18.0.53) (UDP)");
        assertThat(DigFormatter.shortText(Dig.run(req))).isEqualTo("api.example.com.\n198.18.1.10\n");
    }

    @Test
    void traceFollowsEachReferralFromTheRoot() throws Exception {
        DigRequest req = request(null, "api.example.com.", Type.A, false, false, true);
        DigResult result = Dig.run(req);
        assertThat(result.exchanges()).extracting(e -> e.server().getAddress().getHostAddress())
                .containsExactly("198.18.0.4", "198.18.0.30", "198.18.0.53");
        assertThat(result.exchanges()).extracting(DigResult.Exchange::zone).containsExactly(".", "com.", "example.com.");
        String text = DigFormatter.text(req, result, "api.example.com +trace");
        assertThat(text).contains("com.\t\t\t172800\tIN\tNS\ta.gtld-servers.net.",
                ";; Received ", "from 198.18.0.30#53(a.gtld-servers.net.) [zone com.]",
                "api.example.com.\t300\tIN\tA\t198.18.1.10");
    }

    @Test
    void explainShowsTheResolversStepsAndJsonCarriesThem() throws Exception {
        DigRequest req = request(MiniInternet.RESOLVER, "api.example.com.", Type.A, true, true, false);
        DigResult first = Dig.run(req);
        assertThat(first.steps()).extracting(s -> s.zone()).containsExactly(".", "com.", "example.com.");
        String text = DigFormatter.text(req, first, "@198.18.0.2 api.example.com +explain");
        assertThat(text).contains(";; RESOLVER STEPS:", "query  198.18.0.4:53", "referral to com.", "answer 198.18.1.10");
        DigResult second = Dig.run(req);
        JsonNode json = new ObjectMapper().readTree(DigFormatter.json(req, second));
        assertThat(json.at("/steps/0/source").asText()).isEqualTo("RESOLVER_CACHE");
        assertThat(json.at("/exchanges/0/rcode").asText()).isEqualTo("NOERROR");
        assertThat(json.at("/exchanges/0/flags").toString()).contains("\"ra\"");
        assertThat(json.at("/exchanges/0/answer/0/data").asText()).isEqualTo("198.18.1.10");
    }

    @Test
    void noAnswerIsAnIoErrorNamingTheServer() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            DigRequest req = new DigRequest(net.network, (InetSocketAddress) silent.getLocalSocketAddress(), Name.root, Type.NS, false,
                    true, false, false, List.of(), Duration.ofMillis(100));
            assertThatThrownBy(() -> Dig.run(req)).isInstanceOf(IOException.class).hasMessageContaining("timed out")
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
        }
    }
}
