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

    public Router(List<RouteConfig> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * @param host the Host header or :authority, with or without a port (null when absent)
     * @param path the request target's path (query allowed)
     * @return the route, or null when none matches (the proxy answers 404)
     */
    public RouteConfig route(String host, String path) {
        String h = null; // made when a pattern other than "*" needs it
        for (RouteConfig r : routes) {
            if (!path.startsWith(r.pathPrefix())) {
                continue;
            }
            for (String p : r.hosts()) {
                if (p.equals("*")) {
                    return r;
                }
                if (h == null) {
                    h = hostOnly(host);
                }
                if (p.equals(h) || (p.startsWith("*.") && h.endsWith(p.substring(1)))) {
                    return r;
                }
            }
        }
        return null;
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
