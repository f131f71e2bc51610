package dev.roundtrip.edge.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Sends requests whose host and path match to a cluster. A value class (equal when hosts, prefix
 * and cluster are), not a record, so that its {@link #label()} is made once and not on every
 * request that matches.
 */
public final class RouteConfig {
    private final List<String> hosts;
    private final String pathPrefix;
    private final String cluster;
    private final String label;

    /**
     * @param hosts host names matched case-insensitively without the port: exact ({@code api.example.com}),
     *     suffix wildcard ({@code *.example.com}) or {@code *} for any
     * @param pathPrefix a path prefix, e.g. {@code /} or {@code /users}
     * @param cluster the cluster's name
     */
    public RouteConfig(List<String> hosts, String pathPrefix, String cluster) {
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (this.hosts.isEmpty()) {
            throw new EdgeConfigException("match.hosts", "is empty (use [\"*\"] for any host)");
        }
        if (!pathPrefix.startsWith("/")) {
            throw new EdgeConfigException("match.path_prefix", "'" + pathPrefix + "' does not start with '/'");
        }
        this.pathPrefix = pathPrefix;
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.label = String.join(",", this.hosts) + pathPrefix;
    }

    /** A route sending everything to {@code cluster}. */
    public static RouteConfig catchAll(String cluster) {
        return new RouteConfig(List.of("*"), "/", cluster);
    }

    public List<String> hosts() {
        return hosts;
    }

    public String pathPrefix() {
        return pathPrefix;
    }

    public String cluster() {
        return cluster;
    }

    /** A short name for metrics and logs: the host patterns and the prefix, e.g. {@code api.example.com/users}. */
    public String label() {
        return label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteConfig r && hosts.equals(r.hosts) && pathPrefix.equals(r.pathPrefix) && cluster.equals(r.cluster);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hosts, pathPrefix, cluster);
    }

    @Override
    public String toString() {
        return "RouteConfig[hosts=" + hosts + ", pathPrefix=" + pathPrefix + ", cluster=" + cluster + "]";
    }
}
