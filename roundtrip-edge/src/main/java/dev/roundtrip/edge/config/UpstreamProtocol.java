package dev.roundtrip.edge.config;

import java.util.Locale;

/**
 * How a cluster's HTTP requests travel to its endpoints: pooled keep-alive HTTP/1.1 connections
 * (one request per connection at a time), or cleartext HTTP/2 by prior knowledge (RFC 9113
 * section 3.3), many requests multiplexed as streams over few connections.
 */
public enum UpstreamProtocol {
    H1,
    H2C;

    public static final String ALLOWED = "h1, h2c";

    /** Parses the YAML spelling: {@code h1} (also {@code http/1.1}) or {@code h2c}. */
    public static UpstreamProtocol parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "h1", "http/1.1", "http1" -> H1;
            case "h2c" -> H2C;
            default -> throw new EdgeConfigException("", "'" + text + "' is not an upstream protocol (allowed: " + ALLOWED + ")");
        };
    }
}
