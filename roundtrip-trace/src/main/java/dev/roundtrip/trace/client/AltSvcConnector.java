package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.AltSvcOutcome;
import dev.roundtrip.trace.AltSvcOutcome.Attempt;
import dev.roundtrip.trace.AltSvcOutcome.End;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Opens the connection of a call that follows an {@code Alt-Svc} advertisement: it starts the QUIC
 * handshake to the advertised port and, when that fails or has not finished after the fallback
 * delay, TCP + TLS as usual; the first connection ready carries the request and the other attempt
 * is closed. Sits between the tracer's DNS step and the exchange, in place of a single connector;
 * {@link FallbackRace} decides, this class does what it says.
 *
 * <p>Both attempts report their connection events to the call's listener only while they can
 * still win. When one is abandoned, the phase it had open ends there with a failure event (every
 * start has its end), and its later events (its own failure, a late handshake) are kept out of
 * the timeline; the {@link AltSvcOutcome} records the attempt instead. Every step of the race
 * runs on one event loop, so the decisions need no lock.
 */
public final class AltSvcConnector {
    private final EventLoop loop;
    private final MonotonicClock clock;
    private final Duration fallbackDelay;

    /**
     * @param loop the event loop the race's steps run on (the connectors' own, so no hand-off lands in a phase)
     * @param clock the call's clock: attempts are timed like the timeline's phases
     * @param fallbackDelay how long QUIC has alone before TCP starts (zero: both at once)
     */
    public AltSvcConnector(EventLoop loop, MonotonicClock clock, Duration fallbackDelay) {
        this.loop = loop;
        this.clock = clock;
        this.fallbackDelay = fallbackDelay;
    }

    /**
     * Starts a race. Each leg gets the listener it must report its connection events to and
     * returns the connection's future; cancelling that future must stop the attempt and close
     * its socket.
     *
     * @param callStartNanos the call's start on {@code clock}, which attempt times are relative to
     * @param h3Port the advertised UDP port, for the outcome
     * @param listener the call's listener
     * @param quicLeg opens the QUIC connection
     * @param tcpLeg opens (or takes from the pool) the TCP + TLS connection
     */
    public Race race(long callStartNanos, int h3Port, RequestListener listener,
                     Function<RequestListener, CompletableFuture<TraceConnection>> quicLeg,
                     Function<RequestListener, CompletableFuture<TraceConnection>> tcpLeg) {
        Race race = new Race(callStartNanos, h3Port, listener, quicLeg, tcpLeg);
        loop.execute(race::start);
        return race;
    }

    /** One race: its connection future and, once that is done, its outcome. */
    public final class Race {
        private final FallbackRace decisions = new FallbackRace();
        private final CompletableFuture<TraceConnection> connection = new CompletableFuture<>();
        private final long callStartNanos;
        private final int h3Port;
        private final Function<RequestListener, CompletableFuture<TraceConnection>> quicLeg;
        private final Function<RequestListener, CompletableFuture<TraceConnection>> tcpLeg;
        private final GatedListener quicEvents;
        private final GatedListener tcpEvents;
        private CompletableFuture<TraceConnection> quic;
        private CompletableFuture<TraceConnection> tcp;
        private TraceConnection quicConnection;
        private TraceConnection tcpConnection;
        private Throwable tcpError;
        private ScheduledFuture<?> timer;
        private long quicStart = -1;
        private long quicEnd = -1;
        private long tcpStart = -1;
        private long tcpEnd = -1;
        private String quicError = "";
        private String tcpErrorText = "";
        private volatile AltSvcOutcome outcome;

        private Race(long callStartNanos, int h3Port, RequestListener listener,
                     Function<RequestListener, CompletableFuture<TraceConnection>> quicLeg,
                     Function<RequestListener, CompletableFuture<TraceConnection>> tcpLeg) {
            this.callStartNanos = callStartNanos;
            this.h3Port = h3Port;
            this.quicLeg = quicLeg;
            this.tcpLeg = tcpLeg;
            this.quicEvents = new GatedListener(listener);
            this.tcpEvents = new GatedListener(listener);
        }

        /** The connection that won; fails with the TCP attempt's error when both failed. */
        public CompletableFuture<TraceConnection> connection() {
            return connection;
        }

        /** How the race went; null while it is undecided. */
        public AltSvcOutcome outcome() {
            return outcome;
        }

        private void start() {
            quicStart = clock.nanoTime(); // the attempt starts with its socket; TCP may start the fallback delay after it
            timer = loop.schedule(() -> on(FallbackRace.Event.DELAY_ELAPSED, null, null, clock.nanoTime()),
                    fallbackDelay.toNanos(), TimeUnit.NANOSECONDS);
            quic = start(quicLeg, quicEvents, FallbackRace.Event.QUIC_READY, FallbackRace.Event.QUIC_FAILED);
        }

        private CompletableFuture<TraceConnection> start(Function<RequestListener, CompletableFuture<TraceConnection>> leg,
                                                         GatedListener events, FallbackRace.Event ready, FallbackRace.Event failed) {
            CompletableFuture<TraceConnection> f;
            try {
                f = leg.apply(events);
            } catch (RuntimeException e) { // a leg that breaks its contract is a failed attempt
                f = CompletableFuture.failedFuture(e);
            }
            // Stamped where the attempt ends, then handled in turn on the loop (never re-entered from a leg).
            f.whenComplete((c, error) -> {
                long at = clock.nanoTime();
                if (!(error instanceof CancellationException)) {
                    loop.execute(() -> on(error == null ? ready : failed, c, error, at));
                }
            });
            return f;
        }

        private void on(FallbackRace.Event event, TraceConnection c, Throwable error, long at) {
            switch (event) {
                case QUIC_READY -> quicConnection = c;
                case TCP_READY -> tcpConnection = c;
                case QUIC_FAILED -> {
                    if (decisions.quic() == FallbackRace.Leg.PENDING) {
                        quicEnd = at;
                        quicError = message(error);
                    }
                }
                case TCP_FAILED -> {
                    if (decisions.tcp() == FallbackRace.Leg.PENDING) {
                        tcpEnd = at;
                        tcpError = error;
                        tcpErrorText = message(error);
                    }
                }
                case DELAY_ELAPSED -> { }
            }
            Runnable handOver = null;
            for (FallbackRace.Action action : decisions.on(event)) {
                switch (action) {
                    case START_TCP -> {
                        tcpStart = clock.nanoTime();
                        tcp = start(tcpLeg, tcpEvents, FallbackRace.Event.TCP_READY, FallbackRace.Event.TCP_FAILED);
                    }
                    case USE_QUIC -> {
                        quicEnd = at;
                        TraceConnection winner = quicConnection;
                        handOver = () -> connection.complete(winner);
                    }
                    case USE_TCP -> {
                        tcpEnd = at;
                        TraceConnection winner = tcpConnection;
                        handOver = () -> connection.complete(winner);
                    }
                    case ABANDON_QUIC -> {
                        quicEvents.close(new CancellationException("abandoned: the TCP fallback was ready first"));
                        quicEnd = at;
                        quic.cancel(false); // the connector closes the UDP socket
                    }
                    case ABANDON_TCP -> {
                        tcpEvents.close(new CancellationException("abandoned: QUIC was ready first"));
                        tcpEnd = at;
                        tcp.cancel(false); // the connector closes the TCP socket
                    }
                    case CLOSE_QUIC, CLOSE_TCP -> c.close(); // ready too late: the other one already carries the request
                    case FAIL -> {
                        Throwable last = tcpError;
                        handOver = () -> connection.completeExceptionally(last);
                    }
                    case CANCEL_TIMER -> timer.cancel(false);
                }
            }
            finish();
            if (handOver != null) { // last: the caller reads the outcome as soon as the connection is settled
                handOver.run();
            }
        }

        /** Writes down the outcome once the race is decided. */
        private void finish() {
            AltSvcOutcome.Result result = switch (decisions.outcome()) {
                case UNDECIDED -> null;
                case H3 -> AltSvcOutcome.Result.H3;
                case H3_TCP_ABANDONED -> AltSvcOutcome.Result.H3_TCP_ABANDONED;
                case TCP_QUIC_FAILED -> AltSvcOutcome.Result.TCP_QUIC_FAILED;
                case TCP_QUIC_ABANDONED -> AltSvcOutcome.Result.TCP_QUIC_ABANDONED;
                case FAILED -> AltSvcOutcome.Result.BOTH_FAILED;
            };
            if (result == null) {
                return;
            }
            Attempt q = attempt(quicStart, quicEnd, decisions.quic(), quicError);
            String broken = !decisions.alternativeBroken() ? ""
                    : q.end() == End.ABANDONED ? "no QUIC handshake within " + fallbackDelay.toMillis() + " ms, and the TCP fallback was ready first"
                    : "QUIC handshake failed: " + q.error();
            outcome = new AltSvcOutcome(result, h3Port, fallbackDelay, q,
                    tcpStart < 0 ? null : attempt(tcpStart, tcpEnd, decisions.tcp(), tcpErrorText), broken, false);
        }

        private Attempt attempt(long start, long end, FallbackRace.Leg leg, String error) {
            if (start < 0) {
                start = callStartNanos;
            }
            long stop = end < 0 ? start : end;
            End e = switch (leg) {
                case READY -> End.READY;
                case ABANDONED -> End.ABANDONED;
                default -> End.FAILED;
            };
            return new Attempt(Math.max(0, start - callStartNanos), Math.max(0, stop - start), e, e == End.FAILED ? error : "");
        }

        /**
         * Forwards one attempt's connection events to the call's listener until the attempt loses,
         * remembering which phase it has open (events come from the race's event loop).
         */
        private final class GatedListener implements RequestListener {
            private final RequestListener to;
            private volatile boolean open = true;
            private InetSocketAddress connecting;
            private boolean inTls;
            private InetSocketAddress inQuic;

            GatedListener(RequestListener to) {
                this.to = to;
            }

            /** Ends the phase the attempt has open with {@code cause}, then forwards nothing more. */
            void close(Throwable cause) {
                if (!open) {
                    return;
                }
                if (inQuic != null) {
                    to.quicFailed(inQuic, cause);
                } else if (inTls) {
                    to.tlsFailed(cause);
                } else if (connecting != null) {
                    to.connectFailed(connecting, cause);
                }
                open = false;
            }

            private boolean pass() {
                return open;
            }

            @Override
            public void connectStart(InetSocketAddress address) {
                connecting = address;
                if (pass()) {
                    to.connectStart(address);
                }
            }

            @Override
            public void connectEnd(InetSocketAddress address) {
                connecting = null;
                if (pass()) {
                    to.connectEnd(address);
                }
            }

            @Override
            public void connectFailed(InetSocketAddress address, Throwable error) {
                connecting = null;
                if (pass()) {
                    to.connectFailed(address, error);
                }
            }

            @Override
            public void connectionReused(InetSocketAddress address) {
                if (pass()) {
                    to.connectionReused(address);
                }
            }

            @Override
            public void tlsStart() {
                inTls = true;
                if (pass()) {
                    to.tlsStart();
                }
            }

            @Override
            public void tlsEnd(TlsInfo info) {
                inTls = false;
                if (pass()) {
                    to.tlsEnd(info);
                }
            }

            @Override
            public void tlsFailed(Throwable error) {
                inTls = false;
                if (pass()) {
                    to.tlsFailed(error);
                }
            }

            @Override
            public void quicStart(InetSocketAddress address) {
                inQuic = address;
                if (pass()) {
                    to.quicStart(address);
                }
            }

            @Override
            public void quicEnd(InetSocketAddress address, TlsInfo info) {
                inQuic = null;
                if (pass()) {
                    to.quicEnd(address, info);
                }
            }

            @Override
            public void quicFailed(InetSocketAddress address, Throwable error) {
                inQuic = null;
                if (pass()) {
                    to.quicFailed(address, error);
                }
            }
        }
    }

    private static String message(Throwable error) {
        Throwable e = FailureClassifier.unwrap(error);
        return e == null ? "" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
