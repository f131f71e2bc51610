package dev.roundtrip.dns.transport;

import java.time.Duration;

/**
 * Limits of a DNS listener's sockets, with safe defaults.
 *
 * @param udpSockets how many UDP sockets share the port with SO_REUSEPORT (epoll only; 0 = one per event loop)
 * @param eventLoopThreads threads serving the sockets (0 = number of cores)
 * @param maxTcpConnections open TCP connections at most; further ones are closed at once
 * @param tcpIdleTimeout a TCP connection with no query for this long is closed (RFC 7766 section 6.2.3)
 */
public record ListenerLimits(int udpSockets, int eventLoopThreads, int maxTcpConnections, Duration tcpIdleTimeout) {
    public static final ListenerLimits DEFAULT = new ListenerLimits(0, 0, 256, Duration.ofSeconds(10));

    public ListenerLimits {
        if (udpSockets < 0 || udpSockets > 64) {
            throw new IllegalArgumentException("udpSockets must be in 0-64 (0 = one per event loop): " + udpSockets);
        }
        if (eventLoopThreads < 0 || eventLoopThreads > 256) {
            throw new IllegalArgumentException("eventLoopThreads must be in 0-256 (0 = one per core): " + eventLoopThreads);
        }
        if (maxTcpConnections < 1) {
            throw new IllegalArgumentException("maxTcpConnections must be at least 1: " + maxTcpConnections);
        }
        if (tcpIdleTimeout == null || tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("tcpIdleTimeout must be positive: " + tcpIdleTimeout);
        }
    }

    int threads() {
        return eventLoopThreads == 0 ? Runtime.getRuntime().availableProcessors() : eventLoopThreads;
    }
}
