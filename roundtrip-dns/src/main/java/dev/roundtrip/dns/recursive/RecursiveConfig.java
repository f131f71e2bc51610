package dev.roundtrip.dns.recursive;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.transport.ListenerLimits;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link RecursiveResolver} needs, validated in one step.
 *
 * @param name the resolver's name in progress lines
 * @param network where it binds and how it reaches upstream servers
 * @param listen its lab (or loopback) address and port
 * @param rootServers where iteration starts (from root hints), as lab addresses
 * @param clock the clock for TTLs, RTTs and timeouts
 * @param cache cache bounds
 * @param limits per-query work bounds
 * @param qnameMinimisation {@code qname-minimisation} (RFC 9156), relaxed like Unbound's default
 * @param listener socket limits
 * @param stubZones {@code stub-zone}s: zones asked of given servers instead of from the root
 */
public record RecursiveConfig(String name, Network network, InetSocketAddress listen, List<InetSocketAddress> rootServers,
                              MonotonicClock clock, CacheLimits cache, ResolutionLimits limits, boolean qnameMinimisation,
                              ListenerLimits listener, List<StubZone> stubZones) {
    public RecursiveConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(listener, "listener");
        rootServers = List.copyOf(rootServers);
        stubZones = List.copyOf(stubZones);
        if (rootServers.isEmpty()) {
            throw new IllegalArgumentException("rootServers: a recursive resolver needs at least one root server (root hints)");
        }
        if (listen.getAddress() == null) {
            throw new IllegalArgumentException("listen: '" + listen.getHostString() + "' is not an IP address");
        }
    }

    /** A resolver with default cache and limits, QNAME minimisation on. */
    public RecursiveConfig(Network network, InetSocketAddress listen, List<InetSocketAddress> rootServers, MonotonicClock clock) {
        this("recursive resolver", network, listen, rootServers, clock, CacheLimits.DEFAULT, ResolutionLimits.DEFAULT, true,
                ListenerLimits.DEFAULT, List.of());
    }

    /** The same resolver with other per-query limits. */
    public RecursiveConfig withLimits(ResolutionLimits newLimits) {
        return new RecursiveConfig(name, network, listen, rootServers, clock, cache, newLimits, qnameMinimisation, listener, stubZones);
    }

    /** The stub zone with the longest name containing {@code name}, or null. */
    public StubZone stubZoneFor(org.xbill.DNS.Name name) {
        StubZone best = null;
        for (StubZone z : stubZones) {
            if (name.subdomain(z.name()) && (best == null || z.name().labels() > best.name().labels())) {
                best = z;
            }
        }
        return best;
    }
}
