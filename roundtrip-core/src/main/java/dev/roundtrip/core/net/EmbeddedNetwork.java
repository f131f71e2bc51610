package dev.roundtrip.core.net;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded network: a whole mini-internet in one process. Each lab {@code address:port} is
 * mapped to a loopback port that was free for both TCP and UDP when it was reserved, so root, TLD
 * and authoritative servers can all be "on port 53" of their own lab addresses. Loopback addresses
 * are passed through unchanged, so a service can also listen on a plain {@code 127.0.0.1:PORT}.
 */
public final class EmbeddedNetwork implements Network {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int RESERVE_ATTEMPTS = 50;

    private final Map<InetSocketAddress, InetSocketAddress> labToReal = new LinkedHashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> realToLab = new LinkedHashMap<>();

    EmbeddedNetwork() {}

    @Override
    public synchronized InetSocketAddress bindAddress(InetSocketAddress requested) {
        InetAddress address = requested.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("'" + requested.getHostString() + "' is not an IP address");
        }
        if (address.isLoopbackAddress()) {
            return requested;
        }
        LabAddresses.require(address);
        InetSocketAddress existing = labToReal.get(requested);
        if (existing != null) {
            return existing;
        }
        InetSocketAddress real = reserveLoopbackPort();
        labToReal.put(requested, real);
        realToLab.put(real, requested);
        return real;
    }

    @Override
    public synchronized InetSocketAddress connectAddress(InetSocketAddress target) {
        InetAddress address = target.getAddress();
        if (address != null && address.isLoopbackAddress()) {
            return target;
        }
        InetSocketAddress real = labToReal.get(target);
        if (real == null) {
            if (address == null || !LabAddresses.isLab(address)) {
                throw new IllegalArgumentException(HostPort.format(target) + " is not a lab address: the embedded network reaches "
                        + LabAddresses.ALLOWED + " and loopback only");
            }
            throw new IllegalArgumentException("nothing listens on " + HostPort.format(target) + " in the embedded network");
        }
        return real;
    }

    @Override
    public synchronized InetSocketAddress labAddressOf(InetSocketAddress real) {
        return realToLab.getOrDefault(real, real);
    }

    @Override
    public synchronized Map<InetSocketAddress, InetSocketAddress> mappings() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(labToReal));
    }

    @Override
    public String name() {
        return "embedded";
    }

    /**
     * Finds a loopback port that is free for TCP and for UDP at the same time: DNS serves both on
     * one port. The kernel picks the TCP port; the UDP probe confirms it.
     */
    private InetSocketAddress reserveLoopbackPort() {
        IOException last = null;
        for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                    InetSocketAddress real = new InetSocketAddress(LOOPBACK, port);
                    if (!realToLab.containsKey(real)) {
                        return real;
                    }
                } catch (IOException udpTaken) {
                    last = udpTaken;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no loopback port free for both TCP and UDP after " + RESERVE_ATTEMPTS + " attempts", last);
    }
}
