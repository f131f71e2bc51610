package dev.roundtrip.dns.recursive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** The cache alone, driven by a manual clock. */
class DnsCacheTest {
    final ManualClock clock = new ManualClock();

    static Record rr(String text) {
        try {
            String[] f = text.split(" ", 4);
            return Record.fromString(Name.fromString(f[0]), Type.value(f[2]), org.xbill.DNS.DClass.IN, Long.parseLong(f[1]), f[3], Name.root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Name n(String s) {
        return Name.fromConstantString(s);
    }

    @Test
    void positiveEntriesExpireAndServeDecrementedTtls() {
        DnsCache cache = new DnsCache(CacheLimits.DEFAULT);
        cache.putRRset(List.of(rr("api.example.com. 60 A 198.18.1.10")), DnsCache.Rank.ANSWER, clock.nanoTime());
        clock.advance(Duration.ofSeconds(59));
        DnsCache.CachedAnswer a = cache.answer(n("api.example.com."), Type.A, 8, clock.nanoTime());
        assertThat(a.answer()).singleElement().extracting(Record::getTTL).isEqualTo(1L);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.answer(n("api.example.com."), Type.A, 8, clock.nanoTime())).isNull();
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void maxCacheTtlCapsLongTtls() {
        DnsCache cache = new DnsCache(new CacheLimits(100, 1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(10)));
        cache.putRRset(List.of(rr("api.example.com. 86400 A 198.18.1.10")), DnsCache.Rank.ANSWER, clock.nanoTime());
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.answer(n("api.example.com."), Type.A, 8, clock.nanoTime())).isNull();
    }

    @Test
    void negativeAnswersLastTheSoaMinimumCappedByMaxNegativeTtl() {
        DnsCache cache = new DnsCache(new CacheLimits(100, 1 << 20, Duration.ofDays(1), Duration.ofSeconds(100)));
        SOARecord soa = (SOARecord) rr("example.com. 3600 SOA ns1.example.com. h.example.com. 1 2 3 4 300");
        cache.putNegative(n("nope.example.com."), Type.A, Rcode.NXDOMAIN, soa, clock.nanoTime());
        cache.putNegative(n("api.example.com."), Type.TXT, Rcode.NOERROR, soa, clock.nanoTime());
        clock.advance(Duration.ofSeconds(99));
        DnsCache.CachedAnswer nx = cache.answer(n("nope.example.com."), Type.AAAA, 8, clock.nanoTime());
        assertThat(nx.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.authority()).singleElement().extracting(Record::getTTL).isEqualTo(201L); // min(3600, 300) - 99
        DnsCache.CachedAnswer nodata = cache.answer(n("api.example.com."), Type.TXT, 8, clock.nanoTime());
        assertThat(nodata.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.answer()).isEmpty();
        assertThat(cache.answer(n("api.example.com."), Type.MX, 8, clock.nanoTime())).isNull(); // NODATA is per type
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.answer(n("nope.example.com."), Type.A, 8, clock.nanoTime())).isNull();
    }

    @Test
    void glueNeverAnswersClientsNorReplacesAnswers() {
        DnsCache cache = new DnsCache(CacheLimits.DEFAULT);
        cache.putRRset(List.of(rr("ns1.example.com. 172800 A 198.18.0.53")), DnsCache.Rank.GLUE, clock.nanoTime());
        assertThat(cache.answer(n("ns1.example.com."), Type.A, 8, clock.nanoTime())).isNull();
        assertThat(cache.rrset(n("ns1.example.com."), Type.A, DnsCache.Rank.GLUE, clock.nanoTime())).hasSize(1);
        cache.putRRset(List.of(rr("ns1.example.com. 86400 A 198.18.0.53")), DnsCache.Rank.ANSWER, clock.nanoTime());
        cache.putRRset(List.of(rr("ns1.example.com. 172800 A 198.18.66.66")), DnsCache.Rank.GLUE, clock.nanoTime());
        assertThat(cache.answer(n("ns1.example.com."), Type.A, 8, clock.nanoTime()).answer())
                .singleElement().extracting(Record::rdataToString).isEqualTo("198.18.0.53");
    }

    @Test
    void cnameChainsAreAnsweredWhenEveryLinkIsCached() {
        DnsCache cache = new DnsCache(CacheLimits.DEFAULT);
        cache.putRRset(List.of(rr("www.example.com. 300 CNAME api.example.com.")), DnsCache.Rank.ANSWER, clock.nanoTime());
        assertThat(cache.answer(n("www.example.com."), Type.A, 8, clock.nanoTime())).isNull();
        cache.putRRset(List.of(rr("api.example.com. 300 A 198.18.1.10")), DnsCache.Rank.ANSWER, clock.nanoTime());
        assertThat(cache.answer(n("www.example.com."), Type.A, 8, clock.nanoTime()).answer())
                .extracting(Record::getType).containsExactly(Type.CNAME, Type.A);
    }

    @Test
    void boundedInEntriesAndBytesEvictingTheLeastRecentlyUsed() {
        DnsCache cache = new DnsCache(new CacheLimits(3, 1 << 20, Duration.ofDays(1), Duration.ofHours(1)));
        for (int i = 0; i < 5; i++) {
            cache.putRRset(List.of(rr("h" + i + ".example.com. 300 A 198.18.1." + i)), DnsCache.Rank.ANSWER, clock.nanoTime());
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.evictions()).isEqualTo(2);
        assertThat(cache.answer(n("h0.example.com."), Type.A, 8, clock.nanoTime())).isNull();
        assertThat(cache.answer(n("h4.example.com."), Type.A, 8, clock.nanoTime())).isNotNull();

        DnsCache small = new DnsCache(new CacheLimits(1000, 400, Duration.ofDays(1), Duration.ofHours(1)));
        for (int i = 0; i < 10; i++) {
            small.putRRset(List.of(rr("h" + i + ".example.com. 300 A 198.18.1." + i)), DnsCache.Rank.ANSWER, clock.nanoTime());
        }
        assertThat(small.bytes()).isLessThanOrEqualTo(400);
        assertThat(small.size()).isBetween(1, 4);
    }
}
