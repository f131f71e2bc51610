package dev.roundtrip.http;

import java.time.Duration;

/**
 * The limits an HTTP server built by {@link HttpServerInitializer} enforces on untrusted clients,
 * each with a safe default. What a client gets when it crosses one: request line too long 414,
 * header block too large 431, body too large 413, headers not complete within
 * {@code headerReadTimeout} 408, malformed request 400; a connection over {@code maxConnections}
 * is closed at once; an HTTP/2 client that resets more than {@code maxResetsPerWindow} streams in
 * {@code resetWindow} (CVE-2023-44487, "rapid reset") gets GOAWAY.
 *
 * @param maxInitialLineBytes longest request line
 * @param maxHeaderBytes largest header block (HTTP/1.1), and SETTINGS_MAX_HEADER_LIST_SIZE (HTTP/2)
 * @param maxBodyBytes largest request body the server accepts (it is buffered in memory)
 * @param headerReadTimeout time from the first byte of a request to the end of its headers
 * @param idleTimeout a connection with nothing read or written for this long is closed
 * @param maxConnections open downstream connections per listener
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS per HTTP/2 connection
 * @param maxResetsPerWindow RST_STREAM frames a client may send per {@code resetWindow}
 * @param resetWindow the rapid-reset window
 */
public record HttpLimits(
        int maxInitialLineBytes,
        int maxHeaderBytes,
        long maxBodyBytes,
        Duration headerReadTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxConcurrentStreams,
        int maxResetsPerWindow,
        Duration resetWindow) {

    /** Defaults in the range nginx and Envoy ship: 8 KiB line, 64 KiB headers, 10 MiB body. */
    public static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 64 * 1024, 10L * 1024 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000, 100, 200, Duration.ofSeconds(30));

    public HttpLimits {
        positive("maxInitialLineBytes", maxInitialLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxConnections", maxConnections);
        positive("maxConcurrentStreams", maxConcurrentStreams);
        positive("maxResetsPerWindow", maxResetsPerWindow);
        positive("headerReadTimeout", headerReadTimeout.toMillis());
        positive("idleTimeout", idleTimeout.toMillis());
        positive("resetWindow", resetWindow.toSeconds());
        if (maxBodyBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " is above " + Integer.MAX_VALUE);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " must be positive");
        }
    }
}
