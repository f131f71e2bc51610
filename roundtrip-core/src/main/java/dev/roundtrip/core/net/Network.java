package dev.roundtrip.core.net;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Where sockets bind and where they connect. Every roundtrip component asks its {@code Network}
 * instead of using addresses directly, so the same code runs on the embedded network (a whole
 * mini-internet in one process, lab addresses mapped to loopback ports) and on a host network
 * (real addresses: separate machines, or the lab's network namespaces).
 *
 * <p>Implementations are thread-safe.
 */
public sealed interface Network permits EmbeddedNetwork, HostNetwork {

    /**
     * The address a service that wants to listen on {@code requested} must bind (TCP and UDP alike).
     * On the embedded network this reserves a loopback port that is free for both TCP and UDP and
     * remembers the mapping; calling it twice for the same requested address returns the same
     * answer.
     *
     * @throws IllegalArgumentException if the embedded network is asked for a non-lab address
     */
    InetSocketAddress bindAddress(InetSocketAddress requested);

    /**
     * The address to connect to (or send to) for {@code target}. On the embedded network a lab
     * address must have been bound first; loopback addresses pass through unchanged.
     *
     * @throws IllegalArgumentException naming the address when nothing listens there
     */
    InetSocketAddress connectAddress(InetSocketAddress target);

    /** The lab address behind a real one (for display), or {@code real} itself when it has none. */
    InetSocketAddress labAddressOf(InetSocketAddress real);

    /** Lab address to real address, in bind order; empty on the host network. */
    Map<InetSocketAddress, InetSocketAddress> mappings();

    /** A short name for messages: "embedded" or "host". */
    String name();

    /** The embedded network: one process, lab addresses mapped to free loopback ports. */
    static Network embedded() {
        return new EmbeddedNetwork();
    }

    /** The host network: addresses are used as they are. */
    static Network host() {
        return HostNetwork.INSTANCE;
    }
}
