package dev.roundtrip.edge.config;

import java.util.List;
import java.util.Locale;

/**
 * Sends requests whose host and path match to a cluster.
 *
 * @param hosts host names matched case-insensitively without the port: exact ({@code api.example.com}),
 *     suffix wildcard ({@code *.example.com}) or {@code *} for any
 * @param pathPrefix a path prefix, e.g. {@code /} or {@code /users}
 * @param cluster the cluster's name
 */
public record RouteConfig(List<String> hosts, String pathPrefix, String cluster) {
    public RouteConfig {
        hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (hosts.isEmpty()) {
            throw new EdgeConfigException("match.hosts", "is empty (use [\"*\"] for any host)");
        }
        if (!pathPrefix.startsWith("/")) {
            throw new EdgeConfigException("match.path_prefix", "'" + pathPrefix + "' does not start with '/'");
        }
    }

    /** A short name for metrics and logs: the host patterns and the prefix, e.g. {@code api.example.com/users}. */
    public String label() {
        return String.join(",", hosts) + pathPrefix;
    }

    /** A route sending everything to {@code cluster}. */
    public static RouteConfig catchAll(String cluster) {
        return new RouteConfig(List.of("*"), "/", cluster);
    }
}
