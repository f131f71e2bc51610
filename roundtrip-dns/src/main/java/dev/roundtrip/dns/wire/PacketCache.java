package dev.roundtrip.dns.wire;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encoded UDP responses by query bytes (everything but the 2-byte ID), so that a query seen before
 * is answered by copying bytes and patching the ID: no parsing, no lookup, no encoding. This is the
 * packet cache of PowerDNS and Knot's hot path, in front of the full path of a server.
 *
 * <p>An entry says until when (clock nanos) it is exact: forever for an authoritative server's
 * immutable zones, until the next whole-second TTL decrement for a resolver's cached answers.
 * Bounded: when {@code maxEntries} is reached it is emptied (cheap, and hot entries return at
 * once). Thread-safe.
 */
public final class PacketCache {
    /** Never expires. */
    public static final long FOREVER = Long.MAX_VALUE;

    private record Key(byte[] query, int hash) {
        static Key of(byte[] query) {
            int h = 1;
            for (int i = 2; i < query.length; i++) {
                h = 31 * h + query[i];
            }
            return new Key(query, h);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash
                    && Arrays.equals(query, 2, query.length, k.query, 2, k.query.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Entry(byte[] response, long validUntil) {}

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong clears = new AtomicLong();

    public PacketCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The response for {@code query} with the query's ID, or null if none is stored and exact at {@code now}. */
    public byte[] get(byte[] query, long now) {
        if (maxEntries == 0 || query.length < 12) {
            return null;
        }
        Entry e = entries.get(Key.of(query));
        if (e == null || e.validUntil() <= now) {
            return null;
        }
        byte[] response = e.response().clone();
        response[0] = query[0];
        response[1] = query[1];
        hits.incrementAndGet();
        return response;
    }

    /** Stores the response to {@code query}, exact until {@code validUntil}. */
    public void put(byte[] query, byte[] response, long validUntil) {
        if (maxEntries == 0 || query.length < 12 || response == null) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
            clears.incrementAndGet();
        }
        entries.put(Key.of(query.clone()), new Entry(response.clone(), validUntil));
    }

    public int size() {
        return entries.size();
    }

    public long hits() {
        return hits.get();
    }

    /** Times the cache was emptied because it was full. */
    public long clears() {
        return clears.get();
    }
}
