package dev.roundtrip.trace.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.trace.AltSvcOutcome;
import dev.roundtrip.trace.AltSvcOutcome.End;
import dev.roundtrip.trace.AltSvcOutcome.Result;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The race's I/O half with legs the test finishes by hand (connections on embedded channels): who
 * gets the request, that the loser's attempt is cancelled or its late connection closed, and that a
 * loser's events stay out of the call's listener.
 */
class AltSvcConnectorTest {
    private static final InetSocketAddress UDP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433);
    private static final InetSocketAddress TCP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
    private static final Duration DELAY = Duration.ofMillis(50);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AltSvcConnector connector = new AltSvcConnector(loop, MonotonicClock.SYSTEM, DELAY);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RequestListener listener = new RequestListener() {
        @Override public void quicStart(InetSocketAddress a) { events.add("quicStart"); }
        @Override public void quicEnd(InetSocketAddress a, dev.roundtrip.core.timeline.TlsInfo i) { events.add("quicEnd"); }
        @Override public void quicFailed(InetSocketAddress a, Throwable e) { events.add("quicFailed: " + e.getMessage()); }
        @Override public void connectStart(InetSocketAddress a) { events.add("connectStart"); }
        @Override public void connectEnd(InetSocketAddress a) { events.add("connectEnd"); }
        @Override public void connectFailed(InetSocketAddress a, Throwable e) { events.add("connectFailed: " + e.getMessage()); }
    };
    private final CompletableFuture<TraceConnection> quic = new CompletableFuture<>();
    private final CompletableFuture<TraceConnection> tcp = new CompletableFuture<>();
    private final AtomicReference<RequestListener> quicEvents = new AtomicReference<>();
    private final AtomicReference<RequestListener> tcpEvents = new AtomicReference<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private AltSvcConnector.Race race(CompletableFuture<TraceConnection> quicLeg, CompletableFuture<TraceConnection> tcpLeg) {
        return connector.race(MonotonicClock.SYSTEM.nanoTime(), 4433, listener,
                l -> {
                    quicEvents.set(l);
                    l.quicStart(UDP);
                    return quicLeg;
                },
                l -> {
                    tcpEvents.set(l);
                    l.connectStart(TCP);
                    return tcpLeg;
                });
    }

    private static TraceConnection connection(int id) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ExchangeTimingHandler timing = new ExchangeTimingHandler();
        TracePipeline.base(ch, timing);
        return TracePipeline.http1(id, ch, TCP, null, timing);
    }

    @Test
    void tcpStartsAfterTheDelayWinsAndTheQuicAttemptIsCancelledAndSilenced() throws Exception {
        AltSvcConnector.Race race = race(quic, tcp);
        await().atMost(Duration.ofSeconds(5)).until(() -> tcpEvents.get() != null);
        TraceConnection winner = connection(2);
        tcp.complete(winner);

        assertThat(race.connection().get(5, TimeUnit.SECONDS)).isSameAs(winner);
        assertThat(quic).isCancelled();
        quicEvents.get().quicFailed(UDP, new IOException("closed")); // what the abandoned attempt says on its way out
        AltSvcOutcome outcome = race.outcome();
        assertThat(outcome.result()).isEqualTo(Result.TCP_QUIC_ABANDONED);
        assertThat(outcome.quic().end()).isEqualTo(End.ABANDONED);
        assertThat(outcome.tcp().end()).isEqualTo(End.READY);
        assertThat(outcome.tcp().startNanos() - outcome.quic().startNanos()).isGreaterThanOrEqualTo(DELAY.toNanos());
        assertThat(outcome.alternativeBroken()).isTrue();
        // the open QUIC phase ended when the attempt was abandoned; nothing of it after that
        assertThat(events).containsExactly("quicStart", "connectStart", "quicFailed: abandoned: the TCP fallback was ready first");
    }

    @Test
    void quicReadyAfterTcpStartedWinsAndTheTcpAttemptIsCancelled() throws Exception {
        AltSvcConnector.Race race = race(quic, tcp);
        await().atMost(Duration.ofSeconds(5)).until(() -> tcpEvents.get() != null);
        TraceConnection winner = connection(1);
        quic.complete(winner);

        assertThat(race.connection().get(5, TimeUnit.SECONDS)).isSameAs(winner);
        assertThat(tcp).isCancelled();
        tcpEvents.get().connectEnd(TCP);
        assertThat(race.outcome().result()).isEqualTo(Result.H3_TCP_ABANDONED);
        assertThat(race.outcome().tcp().end()).isEqualTo(End.ABANDONED);
        assertThat(race.outcome().alternativeBroken()).isFalse();
        assertThat(events).containsExactly("quicStart", "connectStart", "connectFailed: abandoned: QUIC was ready first");
    }

    @Test
    void aConnectionReadyAfterTheOtherWonIsClosed() throws Exception {
        CompletableFuture<TraceConnection> uncancellable = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterrupt) {
                return false; // the connector had finished at that very moment
            }
        };
        AltSvcConnector.Race race = race(uncancellable, tcp);
        await().atMost(Duration.ofSeconds(5)).until(() -> tcpEvents.get() != null);
        tcp.complete(connection(2));
        race.connection().get(5, TimeUnit.SECONDS);

        TraceConnection late = connection(1);
        uncancellable.complete(late);
        await().atMost(Duration.ofSeconds(5)).until(() -> !late.channel().isOpen());
        assertThat(race.outcome().result()).isEqualTo(Result.TCP_QUIC_ABANDONED);
    }

    @Test
    void aQuicFailureStartsTcpBeforeTheDelayAndBothFailingGivesTcpsError() {
        AltSvcConnector connector = new AltSvcConnector(loop, MonotonicClock.SYSTEM, Duration.ofSeconds(30));
        AltSvcConnector.Race race = connector.race(MonotonicClock.SYSTEM.nanoTime(), 4433, listener,
                l -> CompletableFuture.failedFuture(new IOException("QUIC said no")),
                l -> CompletableFuture.failedFuture(new IOException("TCP said no")));

        assertThat(race.connection()).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("TCP said no");
        AltSvcOutcome outcome = race.outcome();
        assertThat(outcome.result()).isEqualTo(Result.BOTH_FAILED);
        assertThat(outcome.quic().error()).isEqualTo("QUIC said no");
        assertThat(outcome.tcp().error()).isEqualTo("TCP said no");
        assertThat(outcome.tcp().startNanos()).isGreaterThanOrEqualTo(outcome.quic().endNanos());
        assertThat(outcome.brokenReason()).isEqualTo("QUIC handshake failed: QUIC said no");
    }
}
