package dev.roundtrip.edge.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One place clients connect to: an address, TLS or not, whether HTTP/2 is offered (ALPN h2 over
 * TLS; h2c upgrade and prior knowledge in cleartext), and the routes tried in order.
 *
 * @param name for metrics and logs
 * @param address the (lab) address to listen on; the {@code Network} maps it to a real socket
 * @param tls the TLS settings, empty for cleartext
 * @param http2 whether HTTP/2 is offered besides HTTP/1.1
 * @param routes tried in order; the first match wins; at least one
 */
public record ListenerConfig(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes) {
    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new EdgeConfigException("routes", "is empty (at least one route is needed)");
        }
    }
}
