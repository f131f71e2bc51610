package dev.roundtrip.edge.route;

import dev.roundtrip.edge.config.RouteConfig;
import java.util.List;
import java.util.Locale;

/**
 * Finds the route of a request from its host and path: the first route (in configuration order)
 * whose host pattern and path prefix match. Pure and thread-safe.
 */
public final class Router {
    private final List<RouteConfig> routes;
    private final boolean needsHost;

    public Router(List<RouteConfig> routes) {
        this.routes = List.copyOf(routes);
        this.needsHost = this.routes.stream().anyMatch(r -> !r.hosts().equals(List.of("*")));
    }

    /**
     * @param host the Host header or :authority, with or without a port (null when absent)
     * @param path the request target's path (query allowed)
     * @return the route, or null when none matches (the proxy answers 404)
     */
    public RouteConfig route(String host, String path) {
        String h = needsHost ? hostOnly(host) : ""; // only "*" routes: the Host is not looked at
        for (RouteConfig r : routes) {
            if (path.startsWith(r.pathPrefix()) && hostMatches(r.hosts(), h)) {
                return r;
            }
        }
        return null;
    }

    private static boolean hostMatches(List<String> patterns, String host) {
        for (String p : patterns) {
            if (p.equals("*") || p.equals(host) || (p.startsWith("*.") && host.endsWith(p.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /** Lower-case host without the port; "[2001:db8::1]:443" gives "[2001:db8::1]". */
    static String hostOnly(String host) {
        if (host == null) {
            return "";
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
