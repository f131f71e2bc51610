package dev.roundtrip.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/**
 * What a request handler may want to know about the downstream connection a request came on: the
 * peer, whether it is TLS, the SNI name and the negotiated protocol. {@link HttpServerInitializer}
 * attaches it to every connection; {@link #of(Channel)} also works on an HTTP/2 stream channel.
 *
 * @param remote the client's address
 * @param local the address the client connected to
 * @param secure whether the connection is TLS
 * @param sniName the server name the client asked for in its ClientHello, empty when none
 * @param protocol "http/1.1", "h2" (over TLS), "h2c" (cleartext) or "h3" (over QUIC)
 * @param clientAddress the client's IP address as forwarding headers write it: RFC 5952 text for
 *     IPv6 ("::1"), without a zone; made once per connection, not once per request
 */
public record ConnectionInfo(InetSocketAddress remote, InetSocketAddress local, boolean secure, String sniName, String protocol,
                             String clientAddress) {

    public ConnectionInfo(InetSocketAddress remote, InetSocketAddress local, boolean secure, String sniName, String protocol) {
        this(remote, local, secure, sniName, protocol, addressText(remote));
    }

    private static String addressText(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return remote == null ? "" : remote.getHostString();
        }
        String text = NetUtil.toAddressString(remote.getAddress());
        int zone = text.indexOf('%');
        return zone >= 0 ? text.substring(0, zone) : text;
    }

    static final AttributeKey<ConnectionInfo> KEY = AttributeKey.valueOf(ConnectionInfo.class, "info");

    /** The info of the connection {@code channel} belongs to (walking up from an HTTP/2 stream). */
    public static ConnectionInfo of(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            ConnectionInfo info = c.attr(KEY).get();
            if (info != null) {
                return info;
            }
        }
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        return new ConnectionInfo(remote, local, false, "", "http/1.1");
    }

    /** "https" or "http", for X-Forwarded-Proto and the Forwarded header. */
    public String scheme() {
        return secure ? "https" : "http";
    }

    /** The protocol version as a Via header writes it (RFC 9110 section 7.6.3): "1.1", "2" or "3". */
    public String viaVersion() {
        return protocol.startsWith("h2") ? "2" : protocol.equals("h3") ? "3" : "1.1";
    }

    /** The protocol family for metrics labels: "h1", "h2" (h2 and h2c) or "h3". */
    public String family() {
        return protocol.startsWith("h2") ? "h2" : protocol.equals("h3") ? "h3" : "h1";
    }

    /** Attaches {@code info} to a connection that no {@link HttpServerInitializer} set up (a QUIC connection). */
    public static void attach(Channel connection, ConnectionInfo info) {
        connection.attr(KEY).set(info);
    }

    ConnectionInfo withProtocol(String p) {
        return new ConnectionInfo(remote, local, secure, sniName, p, clientAddress);
    }

    ConnectionInfo withSni(String name) {
        return new ConnectionInfo(remote, local, secure, name == null ? "" : name, protocol, clientAddress);
    }
}
