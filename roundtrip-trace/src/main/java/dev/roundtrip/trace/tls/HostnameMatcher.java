package dev.roundtrip.trace.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a server certificate names the host the client asked for, as RFC 6125 and
 * RFC 9110 section 4.3.4 say: DNS names against the dNSName subject alternative names (a wildcard
 * only as the whole left-most label, matching exactly one label), IP literals against the iPAddress
 * names. The subject's common name is not consulted (RFC 6125 section 6.4.4). Pure: no I/O.
 */
public final class HostnameMatcher {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameMatcher() {}

    /** Whether {@code certificate} is valid for {@code host} (a DNS name or an IP literal). */
    public static boolean matches(X509Certificate certificate, String host) {
        String h = stripBrackets(host);
        boolean literal = isIpLiteral(h);
        for (List<?> san : sans(certificate)) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (literal && type == SAN_IP && sameAddress(value, h)) {
                return true;
            }
            if (!literal && type == SAN_DNS && dnsMatches(value, h)) {
                return true;
            }
        }
        return false;
    }

    /** The certificate's DNS and IP subject alternative names, for messages and {@code TlsInfo}. */
    public static List<String> names(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        for (List<?> san : sans(certificate)) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS || type == SAN_IP) {
                out.add(String.valueOf(san.get(1)));
            }
        }
        return out;
    }

    /** RFC 6125 section 6.4.3: one wildcard, the whole left-most label, never across dots. */
    static boolean dnsMatches(String pattern, String host) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return p.equals(h);
        }
        String suffix = p.substring(1); // ".example.com"
        if (suffix.indexOf('*') >= 0 || suffix.chars().filter(c -> c == '.').count() < 2) {
            return false; // "*.com" or nested wildcards never match
        }
        if (!h.endsWith(suffix)) {
            return false;
        }
        String label = h.substring(0, h.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    private static Collection<List<?>> sans(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans;
        } catch (CertificateParsingException e) {
            return List.of(); // a malformed extension names nothing
        }
    }

    private static boolean sameAddress(String san, String host) {
        try {
            return isIpLiteral(san) && InetAddress.getByName(san).equals(InetAddress.getByName(host));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || (!host.isEmpty() && host.chars().allMatch(c -> c == '.' || Character.isDigit(c))
                && host.split("\\.", -1).length == 4);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
