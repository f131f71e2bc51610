package dev.roundtrip.edge.balance;

import dev.roundtrip.edge.cluster.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Consistent hashing on a ring (Karger et al.; Envoy's RING_HASH, nginx's {@code hash ... consistent}):
 * each endpoint owns {@value #POINTS_PER_ENDPOINT} points; a request's key goes to the first point
 * clockwise whose endpoint is usable. When an endpoint goes away only its keys move; when it comes
 * back they return. Requests without a key are spread round robin.
 */
public final class RingHashPolicy implements BalancePolicy {
    static final int POINTS_PER_ENDPOINT = 160;

    private final long[] points;
    private final Endpoint[] owners;
    private final RoundRobinPolicy fallback = new RoundRobinPolicy();

    public RingHashPolicy(List<Endpoint> endpoints) {
        int n = endpoints.size() * POINTS_PER_ENDPOINT;
        long[][] pairs = new long[n][2];
        int k = 0;
        for (int e = 0; e < endpoints.size(); e++) {
            for (int p = 0; p < POINTS_PER_ENDPOINT; p++) {
                pairs[k][0] = hash(endpoints.get(e).label() + "#" + p);
                pairs[k][1] = e;
                k++;
            }
        }
        Arrays.sort(pairs, (x, y) -> Long.compareUnsigned(x[0], y[0]));
        points = new long[n];
        owners = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            points[i] = pairs[i][0];
            owners[i] = endpoints.get((int) pairs[i][1]);
        }
    }

    @Override
    public Endpoint pick(List<Endpoint> endpoints, Predicate<Endpoint> usable, String hashKey) {
        if (hashKey == null) {
            return fallback.pick(endpoints, usable, null);
        }
        long h = hash(hashKey);
        int i = lowerBound(h);
        for (int step = 0; step < points.length; step++) {
            Endpoint e = owners[(i + step) % points.length];
            if (usable.test(e)) {
                return e;
            }
        }
        return null;
    }

    private int lowerBound(long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** 64-bit FNV-1a, then a murmur3 finalizer so nearby keys land far apart on the ring. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
