package dev.roundtrip.dns.recursive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.dns.MiniInternet;
import dev.roundtrip.dns.stub.StubResolver;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The resolver iterating through real root, TLD and authoritative servers on loopback sockets. */
class RecursiveResolverTest {
    ManualClock clock;
    MiniInternet net;

    @BeforeEach
    void start() throws Exception {
        clock = new ManualClock();
        net = new MiniInternet(clock);
    }

    @AfterEach
    void stop() throws Exception {
        net.close();
    }

    Message ask(String name, int type, boolean rd) throws IOException {
        SimpleResolver r = new SimpleResolver(net.real(MiniInternet.RESOLVER));
        r.setTimeout(Duration.ofSeconds(3));
        r.setEDNS(0, 1232, 0);
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (!rd) {
            q.getHeader().unsetFlag(Flags.RD);
        }
        return r.send(q);
    }

    @Test
    void walksRootTldAuthoritativeWithMinimisedQuestionsThenAnswersFromCache() throws Exception {
        try (StubResolver stub = new StubResolver(net.network, MiniInternet.RESOLVER, clock)) {
            Resolution r = stub.resolve("api.example.com").get();
            assertThat(r.addresses()).extracting(a -> a.getHostAddress()).startsWith("198.18.1.10");
            var aSteps = r.steps().stream().filter(s -> s.question().endsWith(" A") || s.source() != DnsStep.Source.QUERY).toList();
            assertThat(r.steps()).extracting(DnsStep::server).contains("198.18.0.4:53", "198.18.0.30:53", "198.18.0.53:53");
            // The first resolution's A part: root is asked only about com., the TLD only about example.com.
            assertThat(r.steps()).anySatisfy(s -> {
                assertThat(s.server()).isEqualTo("198.18.0.4:53");
                assertThat(s.zone()).isEqualTo(".");
                assertThat(s.question()).isEqualTo("com. A");
                assertThat(s.outcome()).isEqualTo("referral to com.");
            });
            assertThat(r.steps()).anySatisfy(s -> {
                assertThat(s.server()).isEqualTo("198.18.0.30:53");
                assertThat(s.zone()).isEqualTo("com.");
                assertThat(s.question()).isEqualTo("example.com. A");
                assertThat(s.outcome()).isEqualTo("referral to example.com.");
            });
            assertThat(r.steps()).anySatisfy(s -> {
                assertThat(s.server()).isEqualTo("198.18.0.53:53");
                assertThat(s.zone()).isEqualTo("example.com.");
                assertThat(s.question()).isEqualTo("api.example.com. A");
                assertThat(s.outcome()).isEqualTo("answer 198.18.1.10");
                assertThat(s.rttNanos()).isZero(); // RTTs come from the injected clock, which stands still here
            });
            assertThat(aSteps).isNotEmpty();

            stub.clearCache();
            clock.advance(Duration.ofSeconds(100));
            Resolution again = stub.resolve("api.example.com").get();
            assertThat(again.steps()).hasSize(2).allSatisfy(s -> assertThat(s.source()).isEqualTo(DnsStep.Source.RESOLVER_CACHE));
            assertThat(again.steps().getFirst().outcome()).isEqualTo("answer 198.18.1.10 (TTL 200 s)");
        }
    }

    @Test
    void stepsCarryRealRttsOnTheSystemClock() throws Exception {
        try (MiniInternet live = new MiniInternet(dev.roundtrip.core.timeline.MonotonicClock.SYSTEM);
             StubResolver stub = new StubResolver(live.network, MiniInternet.RESOLVER, dev.roundtrip.core.timeline.MonotonicClock.SYSTEM)) {
            Resolution r = stub.resolve("www.example.com").get();
            assertThat(r.addresses()).extracting(a -> a.getHostAddress()).startsWith("198.18.1.10");
            assertThat(r.steps()).filteredOn(s -> s.source() == DnsStep.Source.QUERY).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.rttNanos()).isPositive());
        }
    }

    @Test
    void parallelQuestionsShareOneUpstreamQuery() throws Exception {
        try (StubResolver stub = new StubResolver(net.network, MiniInternet.RESOLVER, clock)) {
            for (int round = 0; round < 3; round++) {
                stub.resolve("h" + round + ".nowhere.com").handle((r, e) -> r); // NXDOMAIN: A and AAAA in parallel
            }
            Resolution r = stub.resolve("api.example.com").get();
            assertThat(r.addresses()).isNotEmpty();
        }
        // Every resolution needed the root only for "com. A": asked once, shared or cached after that.
        assertThat(net.root.answered()).isEqualTo(1);
    }

    @Test
    void servesDecrementedTtlsAndExpires() throws Exception {
        Message first = ask("api.example.com.", Type.A, true);
        assertThat(first.getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(first.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(first.getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(300L);
        long queries = net.auth.answered();
        clock.advance(Duration.ofSeconds(120));
        Message cached = ask("api.example.com.", Type.A, true);
        assertThat(cached.getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(180L);
        assertThat(net.auth.answered()).isEqualTo(queries);
        // The same query again is answered from the packet cache, still exact; a second later the TTL ticks down.
        assertThat(ask("api.example.com.", Type.A, true).getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(180L);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ask("api.example.com.", Type.A, true).getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(179L);
        clock.advance(Duration.ofMillis(999));
        assertThat(ask("api.example.com.", Type.A, true).getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(179L);
        clock.advance(Duration.ofSeconds(180).minusMillis(999 + 1000));
        clock.advance(Duration.ofSeconds(1));
        Message refreshed = ask("api.example.com.", Type.A, true);
        assertThat(refreshed.getSection(Section.ANSWER)).singleElement().extracting(Record::getTTL).isEqualTo(300L);
        assertThat(net.auth.answered()).isGreaterThan(queries);
    }

    @Test
    void chasesCnamesAndCachesNegativeAnswers() throws Exception {
        Message www = ask("www.example.com.", Type.A, true);
        assertThat(www.getSection(Section.ANSWER)).extracting(r -> Type.string(r.getType())).containsExactly("CNAME", "A");

        Message nx = ask("missing.example.com.", Type.A, true);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).singleElement().extracting(Record::getType).isEqualTo(Type.SOA);
        long before = net.auth.answered();
        clock.advance(Duration.ofSeconds(10));
        Message nx2 = ask("missing.example.com.", Type.AAAA, true);
        assertThat(nx2.getRcode()).isEqualTo(Rcode.NXDOMAIN); // NXDOMAIN covers every type
        assertThat(nx2.getSection(Section.AUTHORITY)).singleElement().extracting(Record::getTTL).isEqualTo(290L);
        assertThat(net.auth.answered()).isEqualTo(before);

        Message nodata = ask("api.example.com.", Type.TXT, true);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    }

    @Test
    void norecurseAnswersFromCacheOnly() throws Exception {
        assertThat(ask("api.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED);
        ask("api.example.com.", Type.A, true);
        Message cached = ask("api.example.com.", Type.A, false);
        assertThat(cached.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(cached.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void answersOverTcpToo() throws Exception {
        SimpleResolver r = new SimpleResolver(net.real(MiniInternet.RESOLVER));
        r.setTCP(true);
        r.setTimeout(Duration.ofSeconds(3));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.MX, DClass.IN)));
        assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("10 mail.example.com.");
    }
}
