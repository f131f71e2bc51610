package dev.roundtrip.core.timeline;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Observes one request as it crosses the network, in the spirit of OkHttp's EventListener.
 *
 * <p>Contract: events arrive in the order the phases happen (call, dns, connect, tls, request,
 * response), possibly from different threads but never concurrently for one call. Every
 * {@code xStart} is followed by {@code xEnd} or {@code xFailed}. Phases that do not happen (a
 * reused connection has no connect or TLS) send no events, except {@link #connectionReused}.
 * Listeners are fast and never throw. Timestamps are taken by the listener from its own
 * {@link MonotonicClock}, not passed in.
 */
public interface RequestListener {

    RequestListener NONE = new RequestListener() {};

    default void callStart(String method, URI url) {}

    default void dnsStart(String host) {}

    /** One step of the resolution: a cache hit or an upstream query, as the resolver reports it. */
    default void dnsStep(DnsStep step) {}

    default void dnsEnd(String host, List<InetAddress> addresses) {}

    default void dnsFailed(String host, Throwable error) {}

    default void connectStart(InetSocketAddress address) {}

    default void connectEnd(InetSocketAddress address) {}

    default void connectFailed(InetSocketAddress address, Throwable error) {}

    /** A pooled connection was used: no connect and no TLS phase for this call. */
    default void connectionReused(InetSocketAddress address) {}

    default void tlsStart() {}

    default void tlsEnd(TlsInfo info) {}

    default void tlsFailed(Throwable error) {}

    /** A QUIC handshake (transport + TLS together, for HTTP/3) to {@code address} starts. */
    default void quicStart(InetSocketAddress address) {}

    /** The QUIC handshake completed with these TLS parameters. */
    default void quicEnd(InetSocketAddress address, TlsInfo info) {}

    default void quicFailed(InetSocketAddress address, Throwable error) {}

    default void requestStart() {}

    default void requestEnd(long bytes) {}

    /** The first byte of the response arrived. */
    default void responseStart() {}

    /** The response head was parsed; header names are lower-case, values in arrival order. */
    default void responseHeaders(String protocol, int status, Map<String, List<String>> headers) {}

    default void responseEnd(long bodyBytes) {}

    default void callEnd() {}

    /** The call failed in {@code phase}; no further events follow. */
    default void callFailed(PhaseKind phase, Throwable error) {}

    /** A listener that forwards every event to this one, then to {@code other}. */
    default RequestListener plus(RequestListener other) {
        if (other == NONE) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        return new CompositeRequestListener(List.of(this, other));
    }
}
