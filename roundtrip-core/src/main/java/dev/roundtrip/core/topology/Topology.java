package dev.roundtrip.core.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Optional;

/**
 * A mini-internet: hosts with lab addresses and the services each runs. Loaded and validated in
 * one step by {@link TopologyLoader}; immutable.
 *
 * @param name a short name shown in output
 * @param hosts the hosts, in the order they were written (services start host by host in this order
 *     unless a service's dependencies say otherwise)
 * @param geography the file's {@code regions}, {@code links}, {@code paths} and {@code seed} as written
 *     (an empty mapping when it has none): the distances between hosts, which only the lab
 *     ({@code roundtrip lab}) applies, so the lab module reads and validates them, as each module
 *     reads its own services' settings
 */
public record Topology(String name, List<Host> hosts, JsonNode geography) {
    /** The top-level keys that make up {@link #geography()}. */
    public static final List<String> GEOGRAPHY_KEYS = List.of("regions", "links", "paths", "seed");

    public Topology {
        hosts = List.copyOf(hosts);
        geography = geography == null ? JsonNodeFactory.instance.objectNode() : geography.deepCopy();
    }

    /** A topology without geography: every path is ideal. */
    public Topology(String name, List<Host> hosts) {
        this(name, hosts, null);
    }

    public Optional<Host> host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst();
    }
}
