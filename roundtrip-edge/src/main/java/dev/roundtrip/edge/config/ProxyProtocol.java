package dev.roundtrip.edge.config;

import java.util.Locale;

/**
 * Whether a TCP-mode listener opens each upstream connection with a PROXY protocol header, so the
 * backend learns the client's address although the connection comes from the balancer (HAProxy's
 * PROXY protocol specification, version 2: a binary header before the first relayed byte).
 */
public enum ProxyProtocol {
    /** Relay the client's bytes only. */
    NONE,
    /** Send a version 2 header (signature, PROXY command, TCP over IPv4 or IPv6, addresses and ports) first. */
    V2;

    public static final String ALLOWED = "none, v2";

    /** Parses the YAML and command-line spelling: {@code none} or {@code v2}. */
    public static ProxyProtocol parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "none", "off", "false" -> NONE;
            case "v2", "2" -> V2;
            default -> throw new EdgeConfigException("", "'" + text + "' is not a PROXY protocol version (allowed: " + ALLOWED + ")");
        };
    }
}
