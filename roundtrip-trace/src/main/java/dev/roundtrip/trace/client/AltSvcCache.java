package dev.roundtrip.trace.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the tracing client learned from {@code Alt-Svc} response headers (RFC 7838): for an origin
 * (host and port of an https URL), the UDP port where it speaks HTTP/3, until the advertisement's
 * {@code ma} (max-age, default 24 h) runs out; {@code Alt-Svc: clear} forgets it. Only {@code h3}
 * on the same host is used ({@code h3="other.host:443"} is ignored, as a browser may do).
 * Pure apart from the time passed in; thread-safe.
 */
public final class AltSvcCache {
    private static final long DEFAULT_MAX_AGE_SECONDS = 86_400;

    private record Entry(int port, long expiresNanos) {}

    private final Map<String, Entry> byOrigin = new HashMap<>();

    /** Remembers (or clears) what {@code values} (the Alt-Svc header values of a response) say for this origin. */
    public synchronized void update(String host, int port, List<String> values, long nowNanos) {
        for (String value : values) {
            if (value.strip().equalsIgnoreCase("clear")) {
                byOrigin.remove(key(host, port));
                continue;
            }
            for (String alternative : value.split(",")) {
                Entry e = parse(alternative.strip(), nowNanos);
                if (e != null) {
                    byOrigin.put(key(host, port), e);
                    return;
                }
            }
        }
    }

    /** The HTTP/3 port advertised for this origin, if one is known and fresh. */
    public synchronized OptionalInt h3Port(String host, int port, long nowNanos) {
        Entry e = byOrigin.get(key(host, port));
        if (e == null || e.expiresNanos() - nowNanos <= 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(e.port());
    }

    /** {@code h3=":443"; ma=3600} to an entry; null for other protocols, other hosts or malformed text. */
    static Entry parse(String alternative, long nowNanos) {
        String[] parts = alternative.split(";");
        String head = parts[0].strip();
        int eq = head.indexOf('=');
        if (eq < 0 || !head.substring(0, eq).strip().equals("h3")) {
            return null;
        }
        String authority = head.substring(eq + 1).strip();
        if (authority.length() < 2 || authority.charAt(0) != '"' || authority.charAt(authority.length() - 1) != '"') {
            return null;
        }
        authority = authority.substring(1, authority.length() - 1);
        int colon = authority.lastIndexOf(':');
        if (colon != 0) {
            return null; // another host: not followed
        }
        int port;
        try {
            port = Integer.parseInt(authority.substring(1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (port < 1 || port > 65535) {
            return null;
        }
        long maxAge = DEFAULT_MAX_AGE_SECONDS;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("ma=")) {
                try {
                    maxAge = Long.parseLong(p.substring(3).strip());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return new Entry(port, nowNanos + Math.min(maxAge, 365L * 86_400) * 1_000_000_000L);
    }

    private static String key(String host, int port) {
        return host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }
}
