package dev.roundtrip.dns.recursive;

import java.time.Duration;

/**
 * Limits on the work one client query may cause: beyond any of them the client gets SERVFAIL,
 * never a loop.
 *
 * @param maxReferralDepth referrals followed at most for one name
 * @param maxCnameChain CNAMEs followed at most
 * @param maxUpstreamQueries queries sent upstream at most, all sub-resolutions included
 * @param maxNsResolutionDepth how deep resolving a name server's own name may nest
 * @param queryTimeout how long one upstream query waits
 * @param totalTimeout how long one client query may take in all
 * @param maxInflight client queries being resolved at once; more are answered SERVFAIL
 */
public record ResolutionLimits(int maxReferralDepth, int maxCnameChain, int maxUpstreamQueries, int maxNsResolutionDepth,
                               Duration queryTimeout, Duration totalTimeout, int maxInflight) {
    public static final ResolutionLimits DEFAULT =
            new ResolutionLimits(16, 8, 48, 3, Duration.ofMillis(800), Duration.ofSeconds(5), 2048);

    public ResolutionLimits {
        range("maxReferralDepth", maxReferralDepth, 1, 64);
        range("maxCnameChain", maxCnameChain, 0, 32);
        range("maxUpstreamQueries", maxUpstreamQueries, 1, 1000);
        range("maxNsResolutionDepth", maxNsResolutionDepth, 0, 10);
        range("maxInflight", maxInflight, 1, 1_000_000);
        if (queryTimeout == null || queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("queryTimeout must be positive: " + queryTimeout);
        }
        if (totalTimeout == null || totalTimeout.compareTo(queryTimeout) < 0) {
            throw new IllegalArgumentException("totalTimeout must be at least queryTimeout (" + queryTimeout + "): " + totalTimeout);
        }
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + min + "-" + max + ": " + value);
        }
    }
}
