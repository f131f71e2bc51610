package dev.roundtrip.trace.render;

import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import java.util.Optional;

/**
 * The words every renderer uses for phases: what each phase is, and why one is missing from a
 * timeline (a phase that did not happen is shown, not hidden). Pure.
 */
public final class PhaseNotes {
    private PhaseNotes() {}

    /** One line saying what happens in {@code kind}, for legends and the demo's explanations. */
    public static String describe(PhaseKind kind) {
        return switch (kind) {
            case DNS -> "name to addresses: the client's stub cache, then the recursive resolver (root -> TLD -> authoritative)";
            case CONNECT -> "TCP three-way handshake with the chosen address: one round trip";
            case TLS -> "TLS handshake: certificate, keys, ALPN picks HTTP/2 or HTTP/1.1 (one round trip with TLS 1.3)";
            case QUIC -> "QUIC handshake (HTTP/3 over UDP): transport and TLS 1.3 together in one round trip";
            case SEND -> "writing the request onto the connection";
            case WAIT -> "waiting for the first response byte (TTFB): network there and back plus the server's work";
            case RECEIVE -> "reading the rest of the response";
        };
    }

    /**
     * Whether a renderer shows the row of {@code kind}: over TCP the QUIC row is left out unless
     * it happened, and over QUIC (HTTP/3) the TCP and TLS rows, which its handshake replaces.
     */
    public static boolean applies(Timeline t, PhaseKind kind) {
        boolean quic = t.phase(PhaseKind.QUIC).isPresent() || "h3".equals(t.protocol())
                || (t.failure() != null && t.failure().phase() == PhaseKind.QUIC);
        return switch (kind) {
            case QUIC -> quic;
            case CONNECT, TLS -> !quic;
            default -> true;
        };
    }

    /** Why {@code kind} is absent from {@code t}, or empty when it happened. */
    public static Optional<String> whyMissing(Timeline t, PhaseKind kind) {
        if (t.phase(kind).isPresent()) {
            return Optional.empty();
        }
        if (t.failure() != null && t.failure().phase().ordinal() < kind.ordinal()) {
            return Optional.of("not reached: the request failed in " + t.failure().phase().label());
        }
        boolean https = t.url() != null && "https".equalsIgnoreCase(t.url().getScheme());
        return Optional.of(switch (kind) {
            case DNS -> t.connectionReused() ? "connection reused: no lookup needed"
                    : "no lookup: the address is an IP literal";
            case CONNECT -> t.connectionReused() ? "connection reused: no TCP handshake" : "did not happen";
            case TLS -> !https ? "cleartext (http://): no TLS"
                    : t.connectionReused() ? "connection reused: no TLS handshake" : "did not happen";
            case QUIC -> t.connectionReused() ? "connection reused: no QUIC handshake" : "not HTTP/3: TCP and TLS instead";
            case SEND, WAIT, RECEIVE -> "did not happen";
        });
    }
}
