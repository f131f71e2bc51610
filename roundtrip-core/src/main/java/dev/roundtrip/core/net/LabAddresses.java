package dev.roundtrip.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rule every roundtrip host follows: lab addresses come only from 198.18.0.0/15 (RFC 2544,
 * benchmarking) and 2001:db8::/32 (RFC 3849, documentation), so nothing roundtrip starts can ever
 * collide with, or send traffic to, a real network.
 */
public final class LabAddresses {
    /** Human-readable form of the allowed ranges, used in every error message. */
    public static final String ALLOWED = "198.18.0.0/15 or 2001:db8::/32";

    private LabAddresses() {}

    /** True when {@code address} lies in one of the lab ranges. */
    public static boolean isLab(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 198 && ((b[1] & 0xff) == 18 || (b[1] & 0xff) == 19);
        }
        if (address instanceof Inet6Address) {
            return (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8;
        }
        return false;
    }

    /** Returns {@code address} if it is a lab address, otherwise fails with a message naming the rule. */
    public static InetAddress require(InetAddress address) {
        if (!isLab(address)) {
            throw new IllegalArgumentException(address.getHostAddress()
                    + " is not a lab address: roundtrip hosts use " + ALLOWED + " only");
        }
        return address;
    }

    /**
     * Parses a numeric IPv4 or IPv6 literal (never a DNS name: no lookup happens) and checks the rule.
     *
     * @throws IllegalArgumentException naming the text when it is not a literal or not in a lab range
     */
    public static InetAddress parse(String literal) {
        return require(parseLiteral(literal));
    }

    /** Parses a numeric IPv4 or IPv6 literal without any lookup; brackets around IPv6 are allowed. */
    public static InetAddress parseLiteral(String literal) {
        String text = literal.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal");
        }
        if (text.indexOf(':') < 0 && text.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv4 address (four dotted numbers)");
        }
        try {
            return InetAddress.getByName(text); // literal only: getByName does no lookup for literals
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal", e);
        }
    }
}
