package dev.roundtrip.dns.stub;

import dev.roundtrip.core.resolve.ResolutionException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's own cache of names (the "OS cache" step of a request): addresses or a negative
 * answer per name until their TTL runs out on the injected clock, least recently used evicted
 * first. Pure state, no I/O; thread-safe.
 */
final class StubCache {

    /** A cached outcome: addresses, or a failure reason; {@code ttlSeconds} as first received. */
    record Entry(List<InetAddress> addresses, ResolutionException.Reason failure, long ttlSeconds, long expiresAtNanos) {
        boolean positive() {
            return failure == null;
        }

        long remainingSeconds(long now) {
            return Math.max(0, (expiresAtNanos - now) / 1_000_000_000L);
        }
    }

    private final int maxEntries;
    private final Map<String, Entry> entries;

    StubCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StubCache.Entry> eldest) {
                return size() > StubCache.this.maxEntries;
            }
        };
    }

    /** The fresh entry for {@code host} at {@code now}, or null (expired entries are removed). */
    synchronized Entry get(String host, long now) {
        Entry e = entries.get(host);
        if (e != null && e.expiresAtNanos() <= now) {
            entries.remove(host);
            return null;
        }
        return e;
    }

    synchronized void put(String host, Entry entry) {
        if (maxEntries > 0 && entry.ttlSeconds() > 0) {
            entries.put(host, entry);
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void clear() {
        entries.clear();
    }
}
