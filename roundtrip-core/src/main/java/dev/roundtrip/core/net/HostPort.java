package dev.roundtrip.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Parses and prints {@code ADDR:PORT} as users write it on the command line: {@code 198.18.0.53:53},
 * {@code [2001:db8::1]:443}, {@code 127.0.0.1:8080}. Never does a DNS lookup.
 */
public final class HostPort {
    private HostPort() {}

    /**
     * Parses {@code ADDR:PORT} (IPv6 in brackets) into an unresolved-free socket address.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static InetSocketAddress parse(String text) {
        return parse(text, -1);
    }

    /** Like {@link #parse(String)}, but {@code ADDR} alone means {@code ADDR:defaultPort} when defaultPort >= 0. */
    public static InetSocketAddress parse(String text, int defaultPort) {
        String s = text.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']' after the IPv6 address");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + text + "': expected ':PORT' after ']'");
                }
                port = s.substring(close + 2);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon) {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            } else {
                host = s; // no colon, or a bare IPv6 literal
            }
        }
        int p;
        if (port == null) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException("'" + text + "': expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
            }
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number");
            }
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + p + " is outside 0-65535");
        }
        InetAddress address = LabAddresses.parseLiteral(host);
        return new InetSocketAddress(address, p);
    }

    /** Prints an address as {@code 1.2.3.4:53} or {@code [2001:db8::1]:53}. */
    public static String format(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        String host = a == null ? address.getHostString() : a.getHostAddress();
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return "[" + host + "]:" + address.getPort();
        }
        return host + ":" + address.getPort();
    }
}
