package dev.roundtrip.trace.client;

import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.RequestListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The tracing client's own DNS cache, in front of a resolver that keeps none (the system
 * resolver): the "stub cache" step of the article. A hit answers at once and reports a
 * {@link DnsStep.Source#STUB_CACHE} step; a miss asks the upstream resolver and keeps the answer
 * for a fixed time (the system resolver does not expose record TTLs). Expiry uses the injected
 * clock. Thread-safe.
 */
public final class CachingResolver implements Resolver {
    private record Entry(List<InetAddress> addresses, long expiresAtNanos) {}

    private final Resolver upstream;
    private final MonotonicClock clock;
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public CachingResolver(Resolver upstream, MonotonicClock clock, Duration ttl) {
        this.upstream = upstream;
        this.clock = clock;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public CompletableFuture<Resolution> resolve(String host, RequestListener listener) {
        String key = host.toLowerCase(Locale.ROOT);
        long now = clock.nanoTime();
        Entry entry = cache.get(key);
        if (entry != null && now - entry.expiresAtNanos() < 0) {
            long leftSeconds = Math.max(0, (entry.expiresAtNanos() - now) / 1_000_000_000L);
            DnsStep step = DnsStep.cacheHit(DnsStep.Source.STUB_CACHE, host + " A/AAAA",
                    "answer " + addressesText(entry.addresses()) + " (cached, expires in " + leftSeconds + " s)");
            listener.dnsStep(step);
            return CompletableFuture.completedFuture(new Resolution(host, entry.addresses(), true, List.of(step)));
        }
        if (entry != null) {
            cache.remove(key, entry);
        }
        return upstream.resolve(host, listener).thenApply(resolution -> {
            if (ttlNanos > 0) {
                cache.put(key, new Entry(resolution.addresses(), clock.nanoTime() + ttlNanos));
            }
            return resolution;
        });
    }

    /** Forgets every cached answer. */
    public void clear() {
        cache.clear();
    }

    static String addressesText(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }
}
