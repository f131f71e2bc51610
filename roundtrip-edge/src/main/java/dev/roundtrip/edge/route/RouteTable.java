package dev.roundtrip.edge.route;

import dev.roundtrip.edge.cluster.Cluster;
import java.util.Map;

/**
 * What one listener's request path reads, once per request: its {@link Router} and the clusters
 * the routes name, all from one configuration generation. Immutable: a reload builds a new table
 * and swaps it in whole, so a request never sees a route of one generation and a cluster of
 * another.
 *
 * @param generation the configuration generation (1 at start, +1 per applied reload)
 * @param router the listener's routes
 * @param clusters every cluster of the generation, by name
 */
public record RouteTable(long generation, Router router, Map<String, Cluster> clusters) {
    public RouteTable {
        clusters = Map.copyOf(clusters);
    }
}
