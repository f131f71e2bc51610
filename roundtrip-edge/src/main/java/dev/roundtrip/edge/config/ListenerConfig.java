package dev.roundtrip.edge.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import dev.roundtrip.http.h3.QuicLimits;

/**
 * One place clients connect to: an address, TLS or not, whether HTTP/2 is offered (ALPN h2 over
 * TLS; h2c upgrade and prior knowledge in cleartext), and the routes tried in order.
 *
 * @param name for metrics and logs
 * @param address the (lab) address to listen on; the {@code Network} maps it to a real socket
 * @param tls the TLS settings, empty for cleartext
 * @param http2 whether HTTP/2 is offered besides HTTP/1.1
 * @param routes tried in order; the first match wins; at least one
 * @param http3 HTTP/3 over QUIC on the same address and port over UDP, with the same certificates
 *     and routes, and its QUIC limits; empty for none. Needs TLS.
 */
public record ListenerConfig(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes,
        Optional<QuicLimits> http3) {
    /** A listener without HTTP/3. */
    public ListenerConfig(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes) {
        this(name, address, tls, http2, routes, Optional.empty());
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new EdgeConfigException("routes", "is empty (at least one route is needed)");
        }
        Objects.requireNonNull(http3, "http3");
        if (http3.isPresent() && tls.isEmpty()) {
            throw new EdgeConfigException("http3", "is on without tls (HTTP/3 runs over QUIC, which is always TLS 1.3: add tls)");
        }
    }
}
