package dev.roundtrip.lab;

import dev.roundtrip.core.net.LabAddresses;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link Lab#start(LabSpec)} needs: a short run id (names the namespaces rtlab-RUNID-N),
 * the hosts, the path table, the seed of every random decision of the wire, and optionally the
 * nameserver each host's /etc/resolv.conf names (inside {@code ip netns exec}).
 */
public record LabSpec(String runId, List<LabHost> hosts, PathTable paths, long seed, Optional<InetAddress> nameserver) {
    public LabSpec {
        Objects.requireNonNull(runId, "runId");
        if (!runId.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("runId '" + runId + "' is not allowed: use 1 to 8 lowercase letters or digits");
        }
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("the lab has no hosts: give it at least one");
        }
        Set<String> names = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        for (LabHost host : hosts) {
            if (!names.add(host.name())) {
                throw new IllegalArgumentException("host name " + host.name() + " appears twice: host names must be unique");
            }
            for (InetAddress address : host.addresses()) {
                if (!addresses.add(address)) {
                    throw new IllegalArgumentException("address " + address.getHostAddress() + " of host " + host.name()
                            + " is already used by another host: addresses must be unique");
                }
            }
        }
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(nameserver, "nameserver");
        nameserver.ifPresent(address -> {
            if (!LabAddresses.isLab(address)) {
                throw new IllegalArgumentException("nameserver " + address.getHostAddress() + " is not a lab address: allowed are "
                        + LabAddresses.ALLOWED);
            }
        });
    }

    /** The host named {@code name}. */
    public Optional<LabHost> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
