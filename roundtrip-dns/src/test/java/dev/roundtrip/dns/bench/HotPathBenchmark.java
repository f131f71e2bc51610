package dev.roundtrip.dns.bench;

import dev.roundtrip.dns.authoritative.AuthoritativeAnswerer;
import dev.roundtrip.dns.recursive.CacheLimits;
import dev.roundtrip.dns.recursive.DnsCache;
import dev.roundtrip.dns.wire.PacketCache;
import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.QueryDecoder;
import dev.roundtrip.dns.wire.Responses;
import dev.roundtrip.dns.zone.DemoZones;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The per-query work of both servers without sockets: decode -> lookup -> encode, and the packet
 * cache that short-cuts it. Run (after test-compile):
 * {@code java -cp "$(cat target/bench.cp):target/classes:target/test-classes" org.openjdk.jmh.Main HotPath -f 1 -wi 3 -w 1 -i 5 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmark {
    byte[] query;
    AuthoritativeAnswerer answerer;
    PacketCache packets;
    DnsCache cache;
    long now = 1_000_000_000L;

    @Setup
    public void setup() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        query = q.toWire();
        answerer = new AuthoritativeAnswerer(List.of(DemoZones.exampleCom()), 8);
        packets = new PacketCache(10_000);
        packets.put(query, authoritativeFullPath(), PacketCache.FOREVER);
        cache = new DnsCache(CacheLimits.DEFAULT);
        Message answer = answerer.answer((ParsedQuery.Query) QueryDecoder.decode(query));
        for (Record r : answer.getSection(Section.ANSWER)) {
            cache.putRRset(List.of(r), DnsCache.Rank.ANSWER, now);
        }
    }

    /** An authoritative answer from scratch: parse, zone lookup with an in-zone CNAME, encode. */
    @Benchmark
    public byte[] authoritativeFullPath() {
        ParsedQuery.Query q = (ParsedQuery.Query) QueryDecoder.decode(query);
        return Responses.encode(answerer.answer(q), q, true);
    }

    /** The resolver's cache hit: parse, cache lookup (CNAME chain), encode. */
    @Benchmark
    public byte[] resolverCacheHit() {
        ParsedQuery.Query q = (ParsedQuery.Query) QueryDecoder.decode(query);
        DnsCache.CachedAnswer a = cache.answer(q.name(), q.type(), 8, now);
        Message m = Responses.responseTo(q);
        a.answer().forEach(r -> m.addRecord(r, Section.ANSWER));
        return Responses.encode(m, q, true);
    }

    /** A repeated query: copy the stored response and patch the ID. */
    @Benchmark
    public byte[] packetCacheHit() {
        return packets.get(query, now);
    }

    /** Parsing alone, to see what share of the full path dnsjava's decoder takes. */
    @Benchmark
    public Object decodeOnly() {
        return QueryDecoder.decode(query);
    }
}
