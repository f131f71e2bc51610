package dev.roundtrip.dns.recursive;

import java.time.Duration;

/**
 * Bounds of the resolver's cache, named after Unbound's knobs.
 *
 * @param maxEntries RRsets and negative answers kept at most (least recently used evicted first)
 * @param maxBytes estimated bytes kept at most (record wire sizes plus a fixed overhead per entry)
 * @param maxCacheTtl {@code max-cache-ttl}: positive answers are kept at most this long
 * @param maxNegativeTtl {@code max-negative-ttl}: NXDOMAIN/NODATA are kept at most this long (RFC 2308 section 5)
 */
public record CacheLimits(int maxEntries, long maxBytes, Duration maxCacheTtl, Duration maxNegativeTtl) {
    public static final CacheLimits DEFAULT = new CacheLimits(100_000, 64L << 20, Duration.ofDays(1), Duration.ofHours(1));

    public CacheLimits {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("max-cache-entries must be >= 0 (0 disables the cache): " + maxEntries);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("max-cache-bytes must be >= 0: " + maxBytes);
        }
        if (maxCacheTtl == null || maxCacheTtl.isNegative()) {
            throw new IllegalArgumentException("max-cache-ttl must be >= 0 s: " + maxCacheTtl);
        }
        if (maxNegativeTtl == null || maxNegativeTtl.isNegative()) {
            throw new IllegalArgumentException("max-negative-ttl must be >= 0 s: " + maxNegativeTtl);
        }
    }
}
