package dev.roundtrip.dns.recursive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.steps.StepsOption;
import dev.roundtrip.dns.transport.ListenerLimits;
import dev.roundtrip.dns.zone.ZoneLoader;
import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Iteration through hierarchies built for one case each: name servers out of bailiwick, loops,
 * truncation upstream, a dead server among live ones, and the limits that end every loop in SERVFAIL.
 */
class IterationTest {
    static final String ROOT = """
            $ORIGIN .
            $TTL 86400
            . SOA a.root. h.root. 1 2 3 4 300
            . NS a.root.
            a.root. A 198.18.0.4
            com. NS tld.root.
            net. NS tld.root.
            test. NS tld.root.
            tld.root. A 198.18.0.30
            """;
    static final String COM = """
            $ORIGIN com.
            $TTL 86400
            @ SOA tld.root. h.root. 1 2 3 4 300
            @ NS tld.root.
            ; example.com's server has a name in net.: no glue here, the resolver must find it
            example NS ns.example.net.
            """;
    static final String NET = """
            $ORIGIN net.
            $TTL 86400
            @ SOA tld.root. h.root. 1 2 3 4 300
            @ NS tld.root.
            example NS ns.example.net.
            ns.example A 198.18.0.53
            """;
    static final String TEST = """
            $ORIGIN test.
            $TTL 86400
            @ SOA tld.root. h.root. 1 2 3 4 300
            @ NS tld.root.
            ; two servers for many.test: one never answers
            many NS dead.test.
            many NS live.test.
            dead A 198.18.0.60
            live A 198.18.0.53
            ; a delegation back to a server that only knows test.: a referral loop
            loop NS tld.root.
            """;
    static final String EXAMPLE_COM = """
            $ORIGIN example.com.
            $TTL 300
            @ SOA ns.example.net. h.example.com. 1 2 3 4 60
            @ NS ns.example.net.
            api A 198.18.1.10
            a CNAME b
            b CNAME a
            out CNAME www.example.net.
            """;
    static final String EXAMPLE_NET = """
            $ORIGIN example.net.
            $TTL 300
            @ SOA ns.example.net. h.example.net. 1 2 3 4 60
            @ NS ns
            ns A 198.18.0.53
            www A 198.18.1.11
            """;

    static String many() {
        StringBuilder z = new StringBuilder("$ORIGIN many.test.\n$TTL 300\n@ SOA live.test. h 1 2 3 4 60\n@ NS dead.test.\n@ NS live.test.\n");
        for (int i = 0; i < 40; i++) {
            z.append("big TXT \"record ").append(i).append(" of an RRset that does not fit in one 1232-byte datagram.......\"\n");
        }
        z.append("*.wild A 198.18.1.99\n");
        for (int i = 0; i < 8; i++) {
            z.append("h").append(i).append(" A 198.18.1.").append(20 + i).append('\n');
        }
        return z.toString();
    }

    final Network network = Network.embedded();
    final List<Service> services = new ArrayList<>();
    RecursiveResolver resolver;
    DatagramSocket dead;

    @AfterEach
    void stop() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop(Duration.ZERO).get();
        }
        if (dead != null) {
            dead.close();
        }
    }

    void start(UnaryOperator<RecursiveConfig> tune) throws Exception {
        serve("198.18.0.4", ROOT);
        serve("198.18.0.30", COM, NET, TEST);
        serve("198.18.0.53", EXAMPLE_COM, EXAMPLE_NET, many());
        dead = new DatagramSocket(network.bindAddress(lab("198.18.0.60"))); // bound, never answers
        RecursiveConfig config = new RecursiveConfig("resolver", network, lab("198.18.0.2"), List.of(lab("198.18.0.4")),
                MonotonicClock.SYSTEM, CacheLimits.DEFAULT,
                new ResolutionLimits(16, 8, 48, 3, Duration.ofMillis(1000), Duration.ofSeconds(5), 100), true, ListenerLimits.DEFAULT, List.of());
        resolver = new RecursiveResolver(tune.apply(config));
        resolver.start().get();
        services.add(resolver);
    }

    void serve(String address, String... zones) throws Exception {
        List<dev.roundtrip.dns.zone.Zone> loaded = new ArrayList<>();
        for (String z : zones) {
            loaded.add(ZoneLoader.parse(new ByteArrayInputStream(z.getBytes()), null, address));
        }
        AuthoritativeServer s = new AuthoritativeServer(new AuthoritativeConfig(network, lab(address), loaded));
        s.start().get();
        services.add(s);
    }

    static InetSocketAddress lab(String address) {
        return new InetSocketAddress(LabAddresses.parse(address), 53);
    }

    Message ask(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(network.connectAddress(lab("198.18.0.2")));
        r.setTimeout(Duration.ofSeconds(6));
        r.setTCP(tcp);
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, StepsOption.request()), Section.ADDITIONAL);
        return r.send(q);
    }

    static List<DnsStep> steps(Message m) {
        return StepsOption.find(m).orElseThrow();
    }

    @Test
    void resolvesOutOfBailiwickNameServersAndCnamesAcrossZones() throws Exception {
        start(c -> c);
        Message m = ask("api.example.com.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.10");
        assertThat(steps(m)).extracting(DnsStep::question).contains("ns.example.net. A", "api.example.com. A");

        Message out = ask("out.example.com.", Type.A, false);
        assertThat(out.getSection(Section.ANSWER)).extracting(r -> Type.string(r.getType()) + " " + r.rdataToString())
                .containsExactly("CNAME www.example.net.", "A 198.18.1.11");
    }

    @Test
    void cnameLoopsAndReferralLoopsEndInServfail() throws Exception {
        start(c -> c);
        Message loop = ask("a.example.com.", Type.A, false);
        assertThat(loop.getRcode()).isEqualTo(Rcode.SERVFAIL);
        Message referralLoop = ask("x.loop.test.", Type.A, false);
        assertThat(referralLoop.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("api.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR); // still serving
    }

    @Test
    void theUpstreamQueryBudgetEndsInServfail() throws Exception {
        start(c -> c.withLimits(new ResolutionLimits(16, 8, 2, 3, Duration.ofMillis(1000), Duration.ofSeconds(5), 100)));
        Message m = ask("api.example.com.", Type.A, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(steps(m)).filteredOn(s -> s.source() == DnsStep.Source.QUERY).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void stubZonesAreAskedDirectly() throws Exception {
        start(c -> new RecursiveConfig(c.name(), c.network(), c.listen(), c.rootServers(), c.clock(), c.cache(), c.limits(),
                c.qnameMinimisation(), c.listener(), List.of(new StubZone(Name.fromConstantString("many.test."), List.of(lab("198.18.0.53"))))));
        Message m = ask("h3.many.test.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.23");
        assertThat(steps(m)).singleElement().satisfies(s -> {
            assertThat(s.server()).isEqualTo("198.18.0.53:53");
            assertThat(s.zone()).isEqualTo("many.test.");
        });
        // The zone's own NS records, once cached, must not replace the stub's servers (one of them is dead).
        assertThat(ask("many.test.", Type.NS, false).getSection(Section.ANSWER)).hasSize(2);
        for (int i = 4; i < 8; i++) {
            Message h = ask("h" + i + ".many.test.", Type.A, false);
            assertThat(steps(h)).singleElement().extracting(DnsStep::server).isEqualTo("198.18.0.53:53");
        }
    }

    @Test
    void servfailSaysWhyInAnExtendedDnsError() throws Exception {
        start(c -> c);
        Message loop = ask("a.example.com.", Type.A, false);
        assertThat(loop.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(loop.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.EDNS_EXTENDED_ERROR)).singleElement()
                .satisfies(o -> assertThat(((org.xbill.DNS.ExtendedErrorCodeOption) o).getText()).contains("CNAME chain longer than 8"));
    }

    @Test
    void minimisedQuestionsAlreadyAnsweredAreNotAskedAgain() throws Exception {
        start(c -> c);
        Message first = ask("x1.wild.many.test.", Type.A, false);
        assertThat(first.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.99");
        assertThat(steps(first)).extracting(DnsStep::question).contains("wild.many.test. A", "x1.wild.many.test. A");
        Message second = ask("x2.wild.many.test.", Type.A, false);
        assertThat(steps(second)).filteredOn(s -> s.source() == DnsStep.Source.QUERY).extracting(DnsStep::question)
                .containsExactly("x2.wild.many.test. A");
    }

    @Test
    void retriesTruncatedUpstreamAnswersOverTcp() throws Exception {
        start(c -> c);
        Message m = ask("big.many.test.", Type.TXT, true);
        assertThat(m.getSection(Section.ANSWER)).hasSize(40);
        assertThat(steps(m)).extracting(DnsStep::outcome).contains("truncated, retry over TCP");
    }

    @Test
    void aDeadServerIsTriedAtMostOnceThenAvoidedBySmoothedRtt() throws Exception {
        start(c -> c);
        int timeouts = 0;
        for (int i = 0; i < 8; i++) {
            Message m = ask("h" + i + ".many.test.", Type.A, false);
            assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1." + (20 + i));
            timeouts += (int) steps(m).stream().filter(s -> s.server().equals("198.18.0.60:53") && s.outcome().equals("timeout")).count();
        }
        assertThat(timeouts).isLessThanOrEqualTo(1);
        long deadEstimate = resolver.serverSelection().estimateNanos(lab("198.18.0.60"));
        assertThat(deadEstimate == -1 || deadEstimate >= Duration.ofMillis(1000).toNanos()).isTrue();
    }
}
