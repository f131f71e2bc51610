package dev.roundtrip.core.topology;

import java.util.List;
import java.util.Optional;

/**
 * A mini-internet: hosts with lab addresses and the services each runs. Loaded and validated in
 * one step by {@link TopologyLoader}; immutable.
 *
 * @param name a short name shown in output
 * @param hosts the hosts, in the order they were written (services start host by host in this order
 *     unless a service's dependencies say otherwise)
 */
public record Topology(String name, List<Host> hosts) {
    public Topology {
        hosts = List.copyOf(hosts);
    }

    public Optional<Host> host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst();
    }
}
