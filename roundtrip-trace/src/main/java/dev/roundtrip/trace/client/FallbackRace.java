package dev.roundtrip.trace.client;

import java.util.List;

/**
 * Decides, event by event, the race between an HTTP/3 attempt (QUIC to the port an
 * {@code Alt-Svc} advertised) and its TCP + TLS fallback, the way a browser runs it: QUIC starts
 * alone; TCP starts when QUIC fails or when the fallback delay runs out without a finished
 * handshake; the first connection ready carries the request and the other attempt is abandoned;
 * when TCP fails while QUIC is still trying, QUIC keeps its chance. The decision half of
 * {@link AltSvcConnector}, which does the I/O; pure, and not thread-safe (its owner feeds it from
 * one event loop).
 */
public final class FallbackRace {

    /** What happened to one of the two attempts, or to the clock. */
    public enum Event {
        /** The QUIC handshake completed (or 0-RTT keys are ready): the connection can carry the request. */
        QUIC_READY,
        QUIC_FAILED,
        /** The fallback delay ran out. */
        DELAY_ELAPSED,
        /** TCP and TLS are done (or a pooled TCP connection was taken). */
        TCP_READY,
        TCP_FAILED
    }

    /** What the I/O owner does next, in the order given. */
    public enum Action {
        START_TCP,
        /** Hand the QUIC connection to the request. */
        USE_QUIC,
        /** Hand the TCP connection to the request. */
        USE_TCP,
        /** Stop the QUIC attempt still in progress (TCP won). */
        ABANDON_QUIC,
        /** Stop the TCP attempt still in progress (QUIC won). */
        ABANDON_TCP,
        /** A QUIC connection became ready after TCP had won: close it. */
        CLOSE_QUIC,
        /** A TCP connection became ready after QUIC had won: close it. */
        CLOSE_TCP,
        /** Both attempts failed: the call fails with the TCP attempt's error, the last resort. */
        FAIL,
        /** The delay timer is no longer needed. */
        CANCEL_TIMER
    }

    /** Where one attempt stands. */
    public enum Leg { NOT_STARTED, PENDING, READY, FAILED, ABANDONED }

    /** How the race ended, once it has. */
    public enum Outcome {
        /** Still running. */
        UNDECIDED,
        /** QUIC was ready before TCP was even needed. */
        H3,
        /** QUIC was ready first, after TCP had started: the TCP attempt was abandoned. */
        H3_TCP_ABANDONED,
        /** QUIC failed; TCP carried the request. */
        TCP_QUIC_FAILED,
        /** QUIC had not finished when TCP was ready: QUIC was abandoned and TCP carried the request. */
        TCP_QUIC_ABANDONED,
        /** Both failed. */
        FAILED
    }

    private Leg quic = Leg.PENDING;
    private Leg tcp = Leg.NOT_STARTED;
    private boolean decided;

    /** The actions {@code event} calls for. Events after the race is decided only ever close a late connection. */
    public List<Action> on(Event event) {
        return switch (event) {
            case QUIC_READY -> quicReady();
            case QUIC_FAILED -> quicFailed();
            case DELAY_ELAPSED -> delayElapsed();
            case TCP_READY -> tcpReady();
            case TCP_FAILED -> tcpFailed();
        };
    }

    private List<Action> quicReady() {
        if (decided) {
            return quic == Leg.ABANDONED ? List.of(Action.CLOSE_QUIC) : List.of();
        }
        if (quic != Leg.PENDING) {
            return List.of();
        }
        decided = true;
        quic = Leg.READY;
        if (tcp == Leg.PENDING) {
            tcp = Leg.ABANDONED;
            return List.of(Action.USE_QUIC, Action.ABANDON_TCP);
        }
        return List.of(Action.CANCEL_TIMER, Action.USE_QUIC);
    }

    private List<Action> quicFailed() {
        if (decided || quic != Leg.PENDING) {
            return List.of(); // an abandoned attempt reports its end too
        }
        quic = Leg.FAILED;
        return switch (tcp) {
            case NOT_STARTED -> {
                tcp = Leg.PENDING;
                yield List.of(Action.CANCEL_TIMER, Action.START_TCP);
            }
            case FAILED -> {
                decided = true;
                yield List.of(Action.FAIL);
            }
            default -> List.of(); // TCP is on its way
        };
    }

    private List<Action> delayElapsed() {
        if (decided || tcp != Leg.NOT_STARTED) {
            return List.of();
        }
        tcp = Leg.PENDING;
        return List.of(Action.START_TCP);
    }

    private List<Action> tcpReady() {
        if (decided) {
            return tcp == Leg.ABANDONED ? List.of(Action.CLOSE_TCP) : List.of();
        }
        if (tcp != Leg.PENDING) {
            return List.of();
        }
        decided = true;
        tcp = Leg.READY;
        if (quic == Leg.PENDING) {
            quic = Leg.ABANDONED;
            return List.of(Action.USE_TCP, Action.ABANDON_QUIC);
        }
        return List.of(Action.USE_TCP);
    }

    private List<Action> tcpFailed() {
        if (decided || tcp != Leg.PENDING) {
            return List.of();
        }
        tcp = Leg.FAILED;
        if (quic == Leg.FAILED) {
            decided = true;
            return List.of(Action.FAIL);
        }
        return List.of(); // QUIC may still make it
    }

    public Leg quic() {
        return quic;
    }

    public Leg tcp() {
        return tcp;
    }

    /** How the race ended ({@link Outcome#UNDECIDED} while it runs). */
    public Outcome outcome() {
        if (!decided) {
            return Outcome.UNDECIDED;
        }
        if (quic == Leg.READY) {
            return tcp == Leg.ABANDONED ? Outcome.H3_TCP_ABANDONED : Outcome.H3;
        }
        if (tcp == Leg.READY) {
            return quic == Leg.ABANDONED ? Outcome.TCP_QUIC_ABANDONED : Outcome.TCP_QUIC_FAILED;
        }
        return Outcome.FAILED;
    }

    /**
     * Whether the alternative service should be remembered as broken: its QUIC attempt failed, or
     * did not finish before a TCP + TLS connection that started later (so HTTP/3 would not have
     * been faster here anyway). Chrome does the same, and skips a broken alternative for a while.
     */
    public boolean alternativeBroken() {
        return quic == Leg.FAILED || quic == Leg.ABANDONED;
    }
}
