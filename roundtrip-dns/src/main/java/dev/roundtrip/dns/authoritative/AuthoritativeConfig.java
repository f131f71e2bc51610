package dev.roundtrip.dns.authoritative;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.dns.transport.ListenerLimits;
import dev.roundtrip.dns.zone.Zone;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Everything an {@link AuthoritativeServer} needs, validated in one step.
 *
 * @param name the server's name in progress lines, e.g. "a.root-servers.net"
 * @param network where it binds
 * @param listen its lab (or loopback) address and port
 * @param zones the zones it is authoritative for (distinct origins)
 * @param maxCnameChain how many in-zone CNAMEs one answer follows at most
 * @param limits socket limits
 */
public record AuthoritativeConfig(String name, Network network, InetSocketAddress listen, List<Zone> zones,
                                  int maxCnameChain, ListenerLimits limits) {
    public static final int DEFAULT_MAX_CNAME_CHAIN = 8;

    public AuthoritativeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        zones = List.copyOf(zones);
        if (listen.getAddress() == null) {
            throw new IllegalArgumentException("listen: '" + listen.getHostString() + "' is not an IP address");
        }
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("zones: an authoritative server needs at least one zone");
        }
        Set<Name> origins = new HashSet<>();
        for (Zone z : zones) {
            if (!origins.add(z.origin())) {
                throw new IllegalArgumentException("zones: " + z.origin() + " is given twice");
            }
        }
        if (maxCnameChain < 1 || maxCnameChain > 32) {
            throw new IllegalArgumentException("maxCnameChain must be in 1-32: " + maxCnameChain);
        }
    }

    /** A server with default limits. */
    public AuthoritativeConfig(Network network, InetSocketAddress listen, List<Zone> zones) {
        this(defaultName(zones), network, listen, zones, DEFAULT_MAX_CNAME_CHAIN, ListenerLimits.DEFAULT);
    }

    private static String defaultName(List<Zone> zones) {
        return "dns " + String.join(",", zones.stream().map(z -> z.origin().toString()).toList());
    }
}
