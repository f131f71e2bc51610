package dev.roundtrip.core.service;

import dev.roundtrip.core.net.HostPort;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One address a {@link Service} listens on.
 *
 * @param protocol what is served there, e.g. "dns/udp", "dns/tcp", "https", "http", "admin"
 * @param labAddress the address users and other hosts use (equal to {@code real} on the host network)
 * @param real the socket actually bound
 */
public record BoundAddress(String protocol, InetSocketAddress labAddress, InetSocketAddress real) {
    public BoundAddress {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(labAddress, "labAddress");
        Objects.requireNonNull(real, "real");
    }

    @Override
    public String toString() {
        return protocol + " " + HostPort.format(labAddress)
                + (labAddress.equals(real) ? "" : " (" + HostPort.format(real) + ")");
    }
}
