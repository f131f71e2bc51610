package dev.roundtrip.edge.config;

import java.util.Locale;

/** How a cluster picks an endpoint for a request. */
public sealed interface PolicyConfig {
    String ALLOWED = "round-robin, least-request, peak-ewma, hash:header:NAME, hash:cookie:NAME, hash:source-ip";
    /** The policies a TCP listener can apply: it sees connections, not headers or cookies. */
    String ALLOWED_L4 = "round-robin, least-request (counts connections), peak-ewma (of connect times), hash:source-ip";

    /** Each endpoint in turn. */
    record RoundRobin() implements PolicyConfig {}

    /** The less busy of two endpoints picked at random (power of two choices). */
    record LeastRequest() implements PolicyConfig {}

    /**
     * Latency-aware (Linkerd's peak EWMA): of two endpoints picked at random, the one whose
     * decaying latency average times (requests in flight + 1) is lower; a slow answer raises the
     * average at once, fast ones lower it gradually.
     */
    record PeakEwma() implements PolicyConfig {}

    /** Consistent hashing (a ring) on a request header: the same value sticks to the same endpoint. */
    record HashHeader(String header) implements PolicyConfig {}

    /**
     * Consistent hashing on a cookie's value (session stickiness): a client that sends the cookie
     * sticks to one endpoint while it is usable and moves to the next on the ring when it is not;
     * a client without it is given a new random one (Set-Cookie: NAME=...; Path=/; HttpOnly;
     * SameSite=Lax, a session cookie), as Envoy's cookie hash policy generates one.
     */
    record HashCookie(String cookie) implements PolicyConfig {}

    /**
     * Consistent hashing on the client's IP address (HAProxy's {@code balance source}): the same
     * client lands on the same endpoint. For TCP listeners only, where it is the one key there is.
     */
    record HashSourceIp() implements PolicyConfig {}

    /** Whether the policy reads the HTTP request (a header or a cookie), which a TCP listener never parses. */
    default boolean needsHttp() {
        return this instanceof HashHeader || this instanceof HashCookie;
    }

    /**
     * Parses the command-line and YAML spelling: {@code round-robin}, {@code least-request}, {@code peak-ewma},
     * {@code hash:header:NAME} (or {@code hash:NAME}), {@code cookie:NAME} (or {@code hash:cookie:NAME}),
     * {@code hash:source-ip} (a header of that name is {@code hash:header:source-ip}).
     */
    static PolicyConfig parse(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("round-robin") || lower.equals("round_robin")) {
            return new RoundRobin();
        }
        if (lower.equals("least-request") || lower.equals("least_request")) {
            return new LeastRequest();
        }
        if (lower.equals("peak-ewma") || lower.equals("peak_ewma")) {
            return new PeakEwma();
        }
        if (lower.equals("hash:source-ip") || lower.equals("hash:source_ip")) {
            return new HashSourceIp();
        }
        String rest = null;
        boolean cookie = false;
        if (lower.startsWith("hash:cookie:")) {
            rest = t.substring("hash:cookie:".length());
            cookie = true;
        } else if (lower.startsWith("cookie:")) {
            rest = t.substring("cookie:".length());
            cookie = true;
        } else if (lower.startsWith("hash:header:")) {
            rest = t.substring("hash:header:".length());
        } else if (lower.startsWith("hash:")) {
            rest = t.substring("hash:".length());
        }
        if (rest == null || rest.isBlank() || !rest.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new EdgeConfigException("", "'" + text + "' is not a policy (allowed: " + ALLOWED + ")");
        }
        return cookie ? new HashCookie(rest) : new HashHeader(rest);
    }
}
