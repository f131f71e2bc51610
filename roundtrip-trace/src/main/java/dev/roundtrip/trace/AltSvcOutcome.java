package dev.roundtrip.trace;

import java.time.Duration;
import java.util.Locale;

/**
 * What became of HTTP/3 on a call that had an {@code Alt-Svc} advertisement to follow
 * ({@code --http auto}): QUIC was ready and carried the request, or it failed or was too slow and
 * TCP + TLS carried it instead, or the alternative was already known to be broken and the call went
 * straight to TCP. The {@link dev.roundtrip.core.timeline.Timeline} holds the phases of the
 * connection that carried the request; the attempt that lost is only here.
 *
 * @param result how the race between QUIC and its TCP fallback ended
 * @param h3Port the UDP port the Alt-Svc advertisement named
 * @param fallbackDelay how long QUIC had alone before TCP started
 * @param quic the QUIC attempt, null when none was made ({@link Result#TCP_BROKEN})
 * @param tcp the TCP + TLS attempt, null when none was started
 * @param brokenReason why the alternative is broken: what happened to it on this call, or on the
 *        earlier call that marked it; empty while it works
 * @param tcpReused whether the TCP side was an idle pooled connection (ready at once) rather than a new TCP + TLS one
 */
public record AltSvcOutcome(Result result, int h3Port, Duration fallbackDelay, Attempt quic, Attempt tcp, String brokenReason,
                            boolean tcpReused) {

    /** How the race ended. */
    public enum Result {
        /** QUIC was ready within the fallback delay: HTTP/3, no TCP attempt. */
        H3,
        /** QUIC was ready first, after TCP had started: HTTP/3; the TCP attempt was closed. */
        H3_TCP_ABANDONED,
        /** The QUIC handshake failed: TCP + TLS started at once (or at the delay) and carried the request. */
        TCP_QUIC_FAILED,
        /** QUIC had not finished when TCP + TLS was ready: TCP carried the request, the QUIC attempt was closed. */
        TCP_QUIC_ABANDONED,
        /** Both attempts failed. */
        BOTH_FAILED,
        /** The alternative was marked broken on an earlier call: straight to TCP, no QUIC attempt. */
        TCP_BROKEN;

        /** The lower-case name JSON uses. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One attempt of the race, timed from the call's start like the timeline's phases.
     *
     * @param startNanos when it started (QUIC: the first Initial about to leave; TCP: the fallback began)
     * @param durationNanos until it was ready, failed or was abandoned
     * @param end how it ended
     * @param error the failure's one-line message, empty unless {@code end} is FAILED
     */
    public record Attempt(long startNanos, long durationNanos, End end, String error) {
        public Attempt {
            if (startNanos < 0 || durationNanos < 0) {
                throw new IllegalArgumentException("attempt: negative time (start " + startNanos + ", duration " + durationNanos + ")");
            }
        }

        public long endNanos() {
            return startNanos + durationNanos;
        }
    }

    /** How an attempt ended. */
    public enum End {
        READY, FAILED, ABANDONED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AltSvcOutcome {
        java.util.Objects.requireNonNull(result, "result");
        java.util.Objects.requireNonNull(fallbackDelay, "fallbackDelay");
        brokenReason = brokenReason == null ? "" : brokenReason;
    }

    /** A call that went straight to TCP because the alternative at {@code h3Port} was marked broken for {@code reason}. */
    public static AltSvcOutcome straightToTcp(int h3Port, Duration fallbackDelay, String reason) {
        return new AltSvcOutcome(Result.TCP_BROKEN, h3Port, fallbackDelay, null, null, reason, false);
    }

    /** The same outcome, its TCP side being an idle pooled connection. */
    public AltSvcOutcome withTcpReused() {
        return new AltSvcOutcome(result, h3Port, fallbackDelay, quic, tcp, brokenReason, true);
    }

    /** Whether this call found the alternative broken: its QUIC attempt failed or lost to TCP. */
    public boolean alternativeBroken() {
        return result == Result.TCP_QUIC_FAILED || result == Result.TCP_QUIC_ABANDONED || result == Result.BOTH_FAILED;
    }

    /** Whether HTTP/3 carried the request. */
    public boolean h3Used() {
        return result == Result.H3 || result == Result.H3_TCP_ABANDONED;
    }

    /**
     * One line saying which transport carried the request and why: what the waterfall prints
     * under the phases and JSON carries as {@code why}.
     */
    public String explain() {
        String alternative = "h3 on UDP port " + h3Port;
        return switch (result) {
            case H3 -> "HTTP/3 as Alt-Svc advertised (" + alternative + "): the QUIC handshake finished within the "
                    + millis(fallbackDelay) + " fallback delay";
            case H3_TCP_ABANDONED -> "HTTP/3: QUIC was ready at " + millis(quic.endNanos()) + ", after TCP had started at the "
                    + millis(fallbackDelay) + " fallback delay but before TCP + TLS was; the TCP attempt was closed";
            case TCP_QUIC_FAILED -> "over TCP: the QUIC handshake with " + alternative + " failed after "
                    + millis(quic.durationNanos()) + " (" + quic.error() + "), so "
                    + (tcpReused ? "the idle TCP connection" : "TCP + TLS") + " "
                    + (tcp != null && tcp.startNanos() >= quic.endNanos() ? "took over at once"
                            : "(started at the " + millis(fallbackDelay) + " fallback delay) carried the request")
                    + "; the alternative is now marked broken for the rest of this run";
            case TCP_QUIC_ABANDONED -> "over TCP: no QUIC handshake with " + alternative + " within the " + millis(fallbackDelay)
                    + " fallback delay, so " + (tcpReused ? "the idle TCP connection took the request"
                            : "TCP + TLS started and was ready first") + "; the alternative is now marked broken for the rest of this run";
            case BOTH_FAILED -> "no connection: the QUIC handshake with " + alternative + " failed (" + quic.error()
                    + ") and so did the TCP fallback";
            case TCP_BROKEN -> "over TCP: " + alternative + " was marked broken earlier in this run (" + brokenReason
                    + "), so the request went straight to TCP, as a browser does";
        };
    }

    private static String millis(Duration d) {
        return millis(d.toNanos());
    }

    private static String millis(long nanos) {
        double ms = nanos / 1_000_000.0;
        return ms < 100 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
