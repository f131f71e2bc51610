package dev.roundtrip.edge.route;

import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.config.AddedHeader;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one listener's request path reads, once per request: its {@link Router}, the clusters the
 * routes name and the headers the listener adds, all from one configuration generation.
 * Immutable: a reload builds a new table and swaps it in whole, so a request never sees a route of
 * one generation and a cluster of another.
 *
 * @param generation the configuration generation (1 at start, +1 per applied reload)
 * @param router the listener's routes
 * @param clusters every cluster of the generation, by name
 * @param addHeaders the headers the listener adds to requests and responses
 */
public record RouteTable(long generation, Router router, Map<String, Cluster> clusters, Set<AddedHeader> addHeaders) {
    public RouteTable {
        clusters = Map.copyOf(clusters);
        Objects.requireNonNull(addHeaders, "addHeaders"); // kept as given: an EnumSet answers contains with a bit test
    }
}
