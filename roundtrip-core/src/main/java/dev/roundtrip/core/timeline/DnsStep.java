package dev.roundtrip.core.timeline;

/**
 * One step of a name resolution: a cache hit, or one query a resolver sent upstream.
 *
 * @param source where the answer came from
 * @param server the server asked, as {@code addr:port} (its lab address when it has one); empty for cache hits
 * @param zone the zone the answering server spoke for (".", "com.", "example.com."), empty if unknown
 * @param question the question, e.g. "api.example.com. A"
 * @param outcome what came back, e.g. "referral to com.", "answer 198.18.1.10", "NXDOMAIN"
 * @param rttNanos the round-trip time of the query, 0 for cache hits
 */
public record DnsStep(Source source, String server, String zone, String question, String outcome, long rttNanos) {

    public enum Source {
        /** The client's own cache (the "OS cache" step). */
        STUB_CACHE,
        /** The recursive resolver answered from its cache. */
        RESOLVER_CACHE,
        /** A query the recursive resolver (or the stub) sent to a server. */
        QUERY
    }

    public static DnsStep cacheHit(Source source, String question, String outcome) {
        return new DnsStep(source, "", "", question, outcome, 0);
    }
}
