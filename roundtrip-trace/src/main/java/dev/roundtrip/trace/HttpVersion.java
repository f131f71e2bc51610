package dev.roundtrip.trace;

import java.util.List;
import java.util.Locale;

/**
 * Which HTTP version the tracing client speaks, as {@code --http} chooses it. {@link #AUTO} does
 * what curl does: offer h2 and http/1.1 through ALPN over TLS, and HTTP/1.1 in cleartext.
 */
public enum HttpVersion {
    /** ALPN decides over TLS (h2 preferred); HTTP/1.1 in cleartext. */
    AUTO,
    /** HTTP/1.1 only (ALPN offers just http/1.1). */
    HTTP_1_1,
    /** HTTP/2: ALPN h2 over TLS, prior knowledge (h2c) in cleartext (RFC 9113 section 3.3). */
    HTTP_2,
    /** HTTP/3 over QUIC (UDP, same port), ALPN h3; https only. */
    HTTP_3,
    /**
     * Like a browser: start over TCP (ALPN picks h2 or http/1.1), remember the server's
     * {@code Alt-Svc: h3=":PORT"} and use HTTP/3 there for the following requests.
     */
    ALT_SVC;

    /** The ALPN protocol names to offer in the TLS ClientHello, in preference order. */
    public List<String> alpnOffer() {
        return switch (this) {
            case AUTO, ALT_SVC -> List.of("h2", "http/1.1");
            case HTTP_3 -> List.of("h3");
            case HTTP_1_1 -> List.of("http/1.1");
            case HTTP_2 -> List.of("h2");
        };
    }

    /**
     * Parses {@code --http}'s value: {@code 1.1}, {@code 2}, {@code 3} (also {@code h2}, {@code http/1.1},
     * {@code h3}), or {@code auto} (follow Alt-Svc).
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static HttpVersion parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "1.1", "http/1.1", "h1" -> HTTP_1_1;
            case "2", "2.0", "h2", "http/2" -> HTTP_2;
            case "3", "h3", "http/3" -> HTTP_3;
            case "auto" -> ALT_SVC;
            default -> throw new IllegalArgumentException("--http '" + text + "': expected 1.1, 2, 3 or auto");
        };
    }
}
