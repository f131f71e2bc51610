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
 * An alternative whose QUIC attempt failed or lost the race to TCP is remembered as broken for
 * the rest of the tracer's life, whatever later responses advertise, so later calls go straight to
 * TCP (Chrome marks it broken for 5 minutes at first, doubling after each new failure; a trace run
 * is shorter than that). Pure apart from the time passed in; thread-safe.
 */
public final class AltSvcCache {
    private static final long DEFAULT_MAX_AGE_SECONDS = 86_400;

    private record Entry(int port, long expiresNanos) {}

    private final Map<String, Entry> byOrigin = new HashMap<>();
    /** Why each broken alternative is broken, by origin and HTTP/3 port. */
    private final Map<String, String> broken = new HashMap<>();

    /** How to reach an origin, as the cache decides it. */
    public sealed interface Choice {
        /** Nothing fresh is advertised: TCP. */
        record Tcp() implements Choice {}

        /** HTTP/3 at this UDP port of the same host. */
        record H3(int port) implements Choice {}

        /** HTTP/3 is advertised at this port, but it is broken: TCP, and {@code reason} says why. */
        record Broken(int port, String reason) implements Choice {}
    }

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

    /** How to reach this origin now: TCP, HTTP/3 at the advertised port, or TCP because that alternative is broken. */
    public synchronized Choice choose(String host, int port, long nowNanos) {
        OptionalInt h3 = h3Port(host, port, nowNanos);
        if (h3.isEmpty()) {
            return new Choice.Tcp();
        }
        String reason = broken.get(key(host, port) + "/" + h3.getAsInt());
        return reason == null ? new Choice.H3(h3.getAsInt()) : new Choice.Broken(h3.getAsInt(), reason);
    }

    /** Remembers that HTTP/3 at {@code h3Port} does not work for this origin, and why (one line). */
    public synchronized void markBroken(String host, int port, int h3Port, String reason) {
        broken.put(key(host, port) + "/" + h3Port, reason);
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
