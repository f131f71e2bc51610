package dev.roundtrip.core.topology;

import java.net.InetAddress;
import java.util.List;

/**
 * One host of a topology.
 *
 * @param name its name, e.g. "a.root-servers.net"
 * @param address its lab address (198.18.0.0/15 or 2001:db8::/32)
 * @param region the region it sits in, empty when the topology has none
 * @param services what it runs
 */
public record Host(String name, InetAddress address, String region, List<ServiceSpec> services) {
    public Host {
        services = List.copyOf(services);
    }
}
