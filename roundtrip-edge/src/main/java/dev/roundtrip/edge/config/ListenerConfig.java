package dev.roundtrip.edge.config;

import dev.roundtrip.http.h3.QuicLimits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One place clients connect to: an address, TLS or not, whether HTTP/2 is offered (ALPN h2 over
 * TLS; h2c upgrade and prior knowledge in cleartext), and the routes tried in order. In TCP mode
 * ({@code tcpProxy} present) it has no TLS and no routes: connections go to one cluster as bytes.
 *
 * @param name for metrics and logs
 * @param address the (lab) address to listen on; the {@code Network} maps it to a real socket
 * @param tls the TLS settings, empty for cleartext
 * @param http2 whether HTTP/2 is offered besides HTTP/1.1
 * @param routes tried in order; the first match wins; at least one (none in TCP mode)
 * @param tcpProxy present for a listener in TCP mode (L4): the cluster its connections go to
 * @param http3 HTTP/3 over QUIC on the same address and port over UDP, with the same certificates
 *     and routes, and its QUIC limits; empty for none. Needs TLS.
 * @param addHeaders the headers the balancer adds to requests and responses ({@link AddedHeader#ALL}
 *     by default; none in TCP mode, which never reads a header)
 */
public record ListenerConfig(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes,
        Optional<TcpProxyConfig> tcpProxy, Optional<QuicLimits> http3, Set<AddedHeader> addHeaders) {
    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        routes = List.copyOf(routes);
        Objects.requireNonNull(addHeaders, "addHeaders");
        addHeaders = addHeaders.isEmpty() ? AddedHeader.NONE : Collections.unmodifiableSet(EnumSet.copyOf(addHeaders));
        if (tcpProxy.isPresent()) {
            if (!routes.isEmpty()) {
                throw new EdgeConfigException("routes", "a listener in mode tcp has no routes (allowed: cluster: NAME)");
            }
            if (tls.isPresent()) {
                throw new EdgeConfigException("tls", "a listener in mode tcp passes TLS through to the backend (allowed: leave tls out)");
            }
            if (!addHeaders.isEmpty()) {
                throw new EdgeConfigException("add_headers", "a listener in mode tcp relays bytes and adds no header (allowed: leave add_headers out)");
            }
        } else if (routes.isEmpty()) {
            throw new EdgeConfigException("routes", "is empty (at least one route is needed)");
        }
        Objects.requireNonNull(http3, "http3");
        if (http3.isPresent() && tls.isEmpty()) {
            throw new EdgeConfigException("http3", "is on without tls (HTTP/3 runs over QUIC, which is always TLS 1.3: add tls)");
        }
    }

    /** An HTTP listener (L7) without HTTP/3. */
    public ListenerConfig(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes) {
        this(name, address, tls, http2, routes, Optional.empty(), Optional.empty(), AddedHeader.ALL);
    }

    /** An HTTP listener (L7), with HTTP/3 when {@code http3} is present. */
    public static ListenerConfig http(String name, InetSocketAddress address, Optional<TlsConfig> tls, boolean http2, List<RouteConfig> routes,
            Optional<QuicLimits> http3) {
        return new ListenerConfig(name, address, tls, http2, routes, Optional.empty(), http3, AddedHeader.ALL);
    }

    /** A listener in TCP mode (L4) relaying connections to {@code cluster}. */
    public static ListenerConfig tcp(String name, InetSocketAddress address, String cluster, Duration idleTimeout) {
        return new ListenerConfig(name, address, Optional.empty(), false, List.of(), Optional.of(new TcpProxyConfig(cluster, idleTimeout)),
                Optional.empty(), AddedHeader.NONE);
    }

    /** This listener adding {@code headers} instead (an HTTP listener's choice; a TCP listener adds none). */
    public ListenerConfig withAddHeaders(Set<AddedHeader> headers) {
        return new ListenerConfig(name, address, tls, http2, routes, tcpProxy, http3, headers);
    }
}
