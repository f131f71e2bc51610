package dev.roundtrip.edge.l4;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Builds the PROXY protocol v2 header a TCP listener sends first on an upstream connection: the
 * client's address and port as source, the address and port the client connected to as
 * destination (PROXY protocol specification, section 2.2). Netty's {@code HAProxyMessageEncoder}
 * turns it into bytes. A pure function of the downstream connection's two addresses.
 */
final class ProxyHeaders {
    private ProxyHeaders() {}

    /**
     * The PROXY command for a TCP connection from {@code client} to {@code listener}: TCP over
     * IPv4 when both are IPv4, else TCP over IPv6 with an IPv4 address written IPv4-mapped
     * ({@code ::ffff:a.b.c.d}), since one header carries one address family.
     */
    static HAProxyMessage v2(InetSocketAddress client, InetSocketAddress listener) {
        InetAddress src = client.getAddress();
        InetAddress dst = listener.getAddress();
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(src, v4), text(dst, v4), client.getPort(), listener.getPort());
    }

    private static String text(InetAddress a, boolean v4) {
        if (v4 || !(a instanceof Inet4Address)) {
            return a.getHostAddress().replaceFirst("%.*$", ""); // no IPv6 scope id on the wire
        }
        return "::ffff:" + a.getHostAddress();
    }
}
