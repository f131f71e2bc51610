package dev.roundtrip.trace;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.MonotonicClock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything a {@link Tracer} needs, validated in one step. Start from {@link #defaults(Resolver)}
 * and change what differs with the {@code with*} methods.
 *
 * @param resolver turns host names into addresses (the system's, or roundtrip's stub resolver)
 * @param network where connections go: {@code connectAddress} maps lab addresses on the embedded network
 * @param trust which server certificates are accepted
 * @param http the HTTP version to speak
 * @param connectTo {@code --connect-to} rules, first match wins
 * @param reuseConnections keep connections open between calls (false: every call connects, so the
 *        DNS cache and TLS session resumption show instead)
 * @param dnsCacheTtl how long the tracer's own DNS cache keeps an answer; zero disables it
 * @param dnsTimeout the longest a resolution may take
 * @param connectTimeout the longest a TCP connect may take
 * @param tlsTimeout the longest a TLS handshake may take
 * @param responseTimeout the longest from sending the request to the end of the response
 * @param clock the monotonic clock every phase is timed with
 * @param wallClock the wall clock, only for the start date HAR wants
 * @param h3FallbackDelay with {@code --http auto}, how long a QUIC handshake to an Alt-Svc
 *        alternative has alone before TCP + TLS starts beside it (zero: both at once); the first
 *        connection ready carries the request
 * @param qlogDir where each QUIC connection writes its qlog (the client's packet-by-packet view,
 *        JSON-SEQ, readable with qvis), one file per connection; null for none
 */
public record TracerConfig(Resolver resolver, Network network, TrustPolicy trust, HttpVersion http,
                           List<ConnectTo> connectTo, boolean reuseConnections, Duration dnsCacheTtl,
                           Duration dnsTimeout, Duration connectTimeout, Duration tlsTimeout,
                           Duration responseTimeout, MonotonicClock clock, Clock wallClock, Duration h3FallbackDelay,
                           java.nio.file.Path qlogDir) {

    public TracerConfig {
        require(resolver, "resolver");
        require(network, "network");
        require(trust, "trust");
        require(http, "http");
        require(clock, "clock");
        require(wallClock, "wallClock");
        connectTo = List.copyOf(connectTo);
        positive(dnsTimeout, "dnsTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(tlsTimeout, "tlsTimeout");
        positive(responseTimeout, "responseTimeout");
        if (dnsCacheTtl == null || dnsCacheTtl.isNegative()) {
            throw new IllegalArgumentException("dnsCacheTtl: " + dnsCacheTtl + " (expected zero or more)");
        }
        if (h3FallbackDelay == null || h3FallbackDelay.isNegative()) {
            throw new IllegalArgumentException("h3FallbackDelay: " + h3FallbackDelay + " (expected zero or more)");
        }
    }

    /**
     * How long QUIC has alone by default: a handshake on a healthy path finishes well within it
     * (one round trip), and a user barely notices it when UDP is blocked and TCP has to take over.
     */
    public static final Duration DEFAULT_H3_FALLBACK_DELAY = Duration.ofMillis(300);

    /** Defaults: host network, system roots, HTTP version by ALPN, reuse on, 60 s DNS cache, 10 s timeouts, 300 ms HTTP/3 fallback delay. */
    public static TracerConfig defaults(Resolver resolver) {
        return new TracerConfig(resolver, Network.host(), TrustPolicy.system(), HttpVersion.AUTO, List.of(), true,
                Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(30), MonotonicClock.SYSTEM, Clock.systemUTC(), DEFAULT_H3_FALLBACK_DELAY, null);
    }

    public TracerConfig withNetwork(Network value) {
        return new TracerConfig(resolver, value, trust, http, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withTrust(TrustPolicy value) {
        return new TracerConfig(resolver, network, value, http, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withHttp(HttpVersion value) {
        return new TracerConfig(resolver, network, trust, value, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withConnectTo(List<ConnectTo> value) {
        return new TracerConfig(resolver, network, trust, http, value, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withReuseConnections(boolean value) {
        return new TracerConfig(resolver, network, trust, http, connectTo, value, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withDnsCacheTtl(Duration value) {
        return new TracerConfig(resolver, network, trust, http, connectTo, reuseConnections, value, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    /** Sets the DNS, connect, TLS and response timeouts at once. */
    public TracerConfig withTimeouts(Duration dns, Duration connect, Duration tls, Duration response) {
        return new TracerConfig(resolver, network, trust, http, connectTo, reuseConnections, dnsCacheTtl, dns, connect, tls, response, clock, wallClock, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withClocks(MonotonicClock monotonic, Clock wall) {
        return new TracerConfig(resolver, network, trust, http, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, monotonic, wall, h3FallbackDelay, qlogDir);
    }

    public TracerConfig withH3FallbackDelay(Duration value) {
        return new TracerConfig(resolver, network, trust, http, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, value, qlogDir);
    }

    public TracerConfig withQlogDir(java.nio.file.Path value) {
        return new TracerConfig(resolver, network, trust, http, connectTo, reuseConnections, dnsCacheTtl, dnsTimeout, connectTimeout, tlsTimeout, responseTimeout, clock, wallClock, h3FallbackDelay, value);
    }

    private static void require(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected more than zero)");
        }
    }
}
