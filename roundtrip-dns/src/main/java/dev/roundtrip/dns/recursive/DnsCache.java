package dev.roundtrip.dns.recursive;

import dev.roundtrip.dns.zone.RecordTtl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The recursive resolver's cache: RRsets and negative answers (RFC 2308) by owner name and type,
 * each until its TTL runs out on the injected clock, served with decremented TTLs. Bounded in
 * entries and estimated bytes (least recently used evicted first), with counters for metrics.
 *
 * <p>Each RRset carries a {@link Rank} (RFC 2181 section 5.4.1): data from an authoritative answer
 * outranks NS records of a referral, which outrank glue. Lower-ranked data never replaces fresher
 * higher-ranked data, and only {@link Rank#ANSWER} data is ever served to clients as an answer.
 *
 * <p>Pure state and decisions, no I/O; thread-safe (one lock: entries are small and operations short).
 */
public final class DnsCache {

    /** How much a cached RRset is trusted (RFC 2181 section 5.4.1), lowest first. */
    public enum Rank { GLUE, REFERRAL, ANSWER }

    /** A cache key: owner name and type ({@link #NXDOMAIN_TYPE} for a name that does not exist). */
    record Key(Name name, int type) {}

    /** NXDOMAIN covers every type of a name, so it is stored once under this pseudo-type. */
    static final int NXDOMAIN_TYPE = -1;
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    /** One cached item; {@code storedAt} and {@code expiresAt} are clock nanos. */
    sealed interface Entry permits Positive, Negative {
        long expiresAt();

        long bytes();
    }

    record Positive(List<Record> rrset, Rank rank, long storedAt, long expiresAt, long bytes) implements Entry {}

    /** NXDOMAIN or NODATA for a name (and type), with the SOA that proves it. */
    record Negative(int rcode, SOARecord soa, long storedAt, long expiresAt, long bytes) implements Entry {}

    /**
     * A complete answer served from the cache.
     *
     * @param validUntil until when (clock nanos) these records and TTLs stay exact: the next
     *     whole-second TTL decrement or expiry of any entry used
     */
    public record CachedAnswer(int rcode, List<Record> answer, List<Record> authority, long validUntil) {}

    private final CacheLimits limits;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    public DnsCache(CacheLimits limits) {
        this.limits = limits;
    }

    /**
     * Stores an RRset (records of one owner and type) for min(its TTL, max-cache-ttl) seconds,
     * unless a fresher entry of higher rank is there.
     */
    public void putRRset(List<Record> rrset, Rank rank, long now) {
        if (rrset.isEmpty() || limits.maxEntries() == 0) {
            return;
        }
        Record first = rrset.getFirst();
        long ttl = Math.min(limits.maxCacheTtl().toSeconds(), minTtl(rrset));
        if (ttl <= 0) {
            return;
        }
        Key key = new Key(first.getName(), first.getType());
        long size = ENTRY_OVERHEAD_BYTES;
        for (Record r : rrset) {
            size += r.toWire(Section.ANSWER).length;
        }
        Positive entry = new Positive(List.copyOf(rrset), rank, now, now + ttl * 1_000_000_000L, size);
        synchronized (this) {
            Entry old = entries.get(key);
            if (old instanceof Positive p && p.expiresAt() > now && p.rank().compareTo(rank) > 0) {
                return;
            }
            replace(key, entry);
            // A positive answer for the name disproves a cached NXDOMAIN.
            Entry nx = entries.get(new Key(key.name(), NXDOMAIN_TYPE));
            if (nx != null) {
                remove(new Key(key.name(), NXDOMAIN_TYPE));
            }
        }
    }

    /**
     * Stores a negative answer: NXDOMAIN for every type of {@code name}, or NODATA for one type,
     * for min(SOA TTL, SOA minimum, max-negative-ttl) seconds (RFC 2308 section 5). Without an SOA
     * nothing is stored (RFC 2308 section 5: such answers are not cached).
     */
    public void putNegative(Name name, int type, int rcode, SOARecord soa, long now) {
        if (soa == null || limits.maxEntries() == 0) {
            return;
        }
        long ttl = Math.min(Math.min(soa.getTTL(), soa.getMinimum()), limits.maxNegativeTtl().toSeconds());
        if (ttl <= 0) {
            return;
        }
        Key key = new Key(name, rcode == Rcode.NXDOMAIN ? NXDOMAIN_TYPE : type);
        long size = ENTRY_OVERHEAD_BYTES + soa.toWire(Section.AUTHORITY).length;
        synchronized (this) {
            replace(key, new Negative(rcode, soa, now, now + ttl * 1_000_000_000L, size));
        }
    }

    /** The fresh RRset of {@code name}/{@code type} with TTLs decremented, of at least {@code minRank}; null if none. */
    public List<Record> rrset(Name name, int type, Rank minRank, long now) {
        Entry e = fresh(new Key(name, type), now);
        if (e instanceof Positive p && p.rank().compareTo(minRank) >= 0) {
            return decremented(p.rrset(), p.storedAt(), now);
        }
        return null;
    }

    /**
     * The complete answer to {@code name}/{@code type} if the cache holds one: the RRset, a chain
     * of CNAMEs ending in it, or a negative answer. Null when any link is missing. Counts a hit or
     * a miss.
     */
    public CachedAnswer answer(Name name, int type, int maxCnameChain, long now) {
        List<Record> chain = new ArrayList<>(2);
        long validUntil = Long.MAX_VALUE;
        Name current = name;
        for (int hop = 0; hop <= maxCnameChain; hop++) {
            Entry e = fresh(new Key(current, type), now);
            if (e instanceof Positive p && p.rank() == Rank.ANSWER) {
                chain.addAll(decremented(p.rrset(), p.storedAt(), now));
                hits.incrementAndGet();
                return new CachedAnswer(Rcode.NOERROR, chain, List.of(), Math.min(validUntil, stableUntil(p.storedAt(), p.expiresAt(), now)));
            }
            if (e instanceof Negative n) {
                hits.incrementAndGet();
                return new CachedAnswer(Rcode.NOERROR, chain, List.of(negativeSoa(n, now)),
                        Math.min(validUntil, stableUntil(n.storedAt(), n.expiresAt(), now)));
            }
            Entry nx = fresh(new Key(current, NXDOMAIN_TYPE), now);
            if (nx instanceof Negative n) {
                hits.incrementAndGet();
                return new CachedAnswer(Rcode.NXDOMAIN, chain, List.of(negativeSoa(n, now)),
                        Math.min(validUntil, stableUntil(n.storedAt(), n.expiresAt(), now)));
            }
            Entry cname = type == Type.CNAME ? null : fresh(new Key(current, Type.CNAME), now);
            if (cname instanceof Positive p && p.rank() == Rank.ANSWER) {
                chain.addAll(decremented(p.rrset(), p.storedAt(), now));
                validUntil = Math.min(validUntil, stableUntil(p.storedAt(), p.expiresAt(), now));
                current = ((CNAMERecord) p.rrset().getFirst()).getTarget();
                continue;
            }
            break;
        }
        misses.incrementAndGet();
        return null;
    }

    /** When an entry's served TTLs next change (the next whole second since it was stored) or it expires. */
    private static long stableUntil(long storedAt, long expiresAt, long now) {
        long elapsedSeconds = (now - storedAt) / 1_000_000_000L;
        return Math.min(expiresAt, storedAt + (elapsedSeconds + 1) * 1_000_000_000L);
    }

    /**
     * Whether the cache knows that {@code name} exists as an ordinary name inside its zone (an
     * authoritative answer or NODATA for its A RRset, or a CNAME), so a minimised query about it
     * (RFC 9156) would teach nothing new. Does not count as a hit or miss.
     */
    public boolean knownToExist(Name name, long now) {
        Entry a = fresh(new Key(name, Type.A), now);
        if (a instanceof Positive p && p.rank() == Rank.ANSWER || a instanceof Negative) {
            return true;
        }
        return fresh(new Key(name, Type.CNAME), now) instanceof Positive p && p.rank() == Rank.ANSWER;
    }

    /** The deepest cached delegation (NS RRset) at or above {@code name}, with TTLs decremented; null if none. */
    public List<Record> closestNs(Name name, long now) {
        for (int labels = name.labels(); labels >= 1; labels--) {
            Name n = labels == name.labels() ? name : new Name(name, name.labels() - labels);
            List<Record> ns = rrset(n, Type.NS, Rank.GLUE, now);
            if (ns != null) {
                return ns;
            }
        }
        return null;
    }

    private static Record negativeSoa(Negative n, long now) {
        long elapsed = (now - n.storedAt()) / 1_000_000_000L;
        long ttl = Math.max(0, Math.min(n.soa().getTTL(), n.soa().getMinimum()) - elapsed);
        return RecordTtl.withTtl(n.soa(), ttl);
    }

    private static List<Record> decremented(List<Record> rrset, long storedAt, long now) {
        long elapsed = (now - storedAt) / 1_000_000_000L;
        if (elapsed == 0) {
            return rrset;
        }
        List<Record> out = new ArrayList<>(rrset.size());
        for (Record r : rrset) {
            out.add(RecordTtl.withTtl(r, Math.max(0, r.getTTL() - elapsed)));
        }
        return out;
    }

    private synchronized Entry fresh(Key key, long now) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() <= now) {
            remove(key);
            return null;
        }
        return e;
    }

    private void replace(Key key, Entry entry) {
        Entry old = entries.put(key, entry);
        if (old != null) {
            bytes -= old.bytes();
        }
        bytes += entry.bytes();
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while ((entries.size() > limits.maxEntries() || bytes > limits.maxBytes()) && eldest.hasNext()) {
            Map.Entry<Key, Entry> victim = eldest.next();
            if (victim.getKey().equals(key)) {
                continue;
            }
            bytes -= victim.getValue().bytes();
            eldest.remove();
            evictions.incrementAndGet();
        }
    }

    private void remove(Key key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    private static long minTtl(List<Record> rrset) {
        long min = Long.MAX_VALUE;
        for (Record r : rrset) {
            min = Math.min(min, r.getTTL());
        }
        return min;
    }

    /** Entries held now (expired ones count until touched). */
    public synchronized int size() {
        return entries.size();
    }

    /** Estimated bytes held now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Counts a hit served from a copy of an earlier cached answer (the packet cache). */
    public void countHit() {
        hits.incrementAndGet();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public long evictions() {
        return evictions.get();
    }

    public synchronized void clear() {
        entries.clear();
        bytes = 0;
    }

    @Override
    public String toString() {
        return "cache entries=" + size() + " bytes=" + bytes() + " hits=" + hits() + " misses=" + misses() + " evictions=" + evictions();
    }
}
