package dev.roundtrip.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --connect-to HOST:PORT:ADDR:PORT} rule, as curl defines it: requests for HOST:PORT go
 * to ADDR:PORT instead, while the URL (Host header, TLS SNI, certificate check) stays unchanged.
 * An empty HOST or PORT on the left matches any; an empty ADDR or PORT on the right keeps the
 * original. IPv6 literals go in brackets: {@code api.example.com:443:[::1]:8443}.
 *
 * @param host the URL host this rule applies to, empty for any
 * @param port the URL port this rule applies to, -1 for any
 * @param targetHost where to connect instead (an IP literal or a name to resolve), empty to keep the URL's host
 * @param targetPort the port to connect to instead, -1 to keep the URL's port
 */
public record ConnectTo(String host, int port, String targetHost, int targetPort) {

    public ConnectTo {
        if (port < -1 || port > 65535 || targetPort < -1 || targetPort > 65535) {
            throw new IllegalArgumentException("--connect-to: port outside 0-65535");
        }
    }

    /** Whether this rule applies to a request for {@code urlHost:urlPort}. */
    public boolean matches(String urlHost, int urlPort) {
        return (host.isEmpty() || host.equalsIgnoreCase(urlHost)) && (port < 0 || port == urlPort);
    }

    /**
     * Parses {@code HOST:PORT:ADDR:PORT}.
     *
     * @throws IllegalArgumentException saying what is wrong, with an example of what is expected
     */
    public static ConnectTo parse(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean bracket = false;
        for (char c : text.toCharArray()) {
            if (c == '[') {
                bracket = true;
            } else if (c == ']') {
                bracket = false;
            } else if (c == ':' && !bracket) {
                fields.add(field.toString());
                field.setLength(0);
                continue;
            }
            field.append(c);
        }
        fields.add(field.toString());
        if (fields.size() != 4 || bracket) {
            throw new IllegalArgumentException("--connect-to '" + text
                    + "': expected HOST:PORT:ADDR:PORT, e.g. api.example.com:443:127.0.0.1:8443");
        }
        return new ConnectTo(unbracket(fields.get(0)), port(fields.get(1), text), unbracket(fields.get(2)), port(fields.get(3), text));
    }

    private static String unbracket(String host) {
        String h = host.strip();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(String field, String text) {
        if (field.isBlank()) {
            return -1;
        }
        try {
            int p = Integer.parseInt(field.strip());
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("--connect-to '" + text + "': port " + p + " is outside 1-65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--connect-to '" + text + "': port '" + field + "' is not a number");
        }
    }
}
