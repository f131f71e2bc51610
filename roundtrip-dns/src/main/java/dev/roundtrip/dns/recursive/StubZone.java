package dev.roundtrip.dns.recursive;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * Unbound's {@code stub-zone}: names at or below {@code name} are asked of {@code servers}
 * (authoritative, any port) instead of being found from the root. Used to put a resolver in front
 * of one authoritative server, as the resolver benchmark does.
 *
 * @param name the zone, absolute
 * @param servers its authoritative servers, lab or loopback addresses with ports
 */
public record StubZone(Name name, List<InetSocketAddress> servers) {
    public StubZone {
        Objects.requireNonNull(name, "name");
        servers = List.copyOf(servers);
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("stub-zone name must be absolute: " + name);
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("stub-zone " + name + " needs at least one server");
        }
    }
}
