package dev.roundtrip.trace.client;

import static dev.roundtrip.trace.client.FallbackRace.Action.ABANDON_QUIC;
import static dev.roundtrip.trace.client.FallbackRace.Action.ABANDON_TCP;
import static dev.roundtrip.trace.client.FallbackRace.Action.CANCEL_TIMER;
import static dev.roundtrip.trace.client.FallbackRace.Action.CLOSE_QUIC;
import static dev.roundtrip.trace.client.FallbackRace.Action.CLOSE_TCP;
import static dev.roundtrip.trace.client.FallbackRace.Action.FAIL;
import static dev.roundtrip.trace.client.FallbackRace.Action.START_TCP;
import static dev.roundtrip.trace.client.FallbackRace.Action.USE_QUIC;
import static dev.roundtrip.trace.client.FallbackRace.Action.USE_TCP;
import static dev.roundtrip.trace.client.FallbackRace.Event.DELAY_ELAPSED;
import static dev.roundtrip.trace.client.FallbackRace.Event.QUIC_FAILED;
import static dev.roundtrip.trace.client.FallbackRace.Event.QUIC_READY;
import static dev.roundtrip.trace.client.FallbackRace.Event.TCP_FAILED;
import static dev.roundtrip.trace.client.FallbackRace.Event.TCP_READY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.trace.client.FallbackRace.Outcome;
import org.junit.jupiter.api.Test;

/** The race between QUIC and its TCP fallback, decided event by event: every order the two attempts and the timer can finish in. */
class FallbackRaceTest {
    private final FallbackRace race = new FallbackRace();

    @Test
    void quicReadyWithinTheDelayIsUsedAndTcpNeverStarts() {
        assertThat(race.on(QUIC_READY)).containsExactly(CANCEL_TIMER, USE_QUIC);
        assertThat(race.on(DELAY_ELAPSED)).as("a timer that fired anyway").isEmpty();
        assertThat(race.outcome()).isEqualTo(Outcome.H3);
        assertThat(race.tcp()).isEqualTo(FallbackRace.Leg.NOT_STARTED);
        assertThat(race.alternativeBroken()).isFalse();
    }

    @Test
    void silentQuicStartsTcpAtTheDelayAndTcpWins() {
        assertThat(race.on(DELAY_ELAPSED)).containsExactly(START_TCP);
        assertThat(race.outcome()).isEqualTo(Outcome.UNDECIDED);
        assertThat(race.on(TCP_READY)).containsExactly(USE_TCP, ABANDON_QUIC);
        assertThat(race.outcome()).isEqualTo(Outcome.TCP_QUIC_ABANDONED);
        assertThat(race.alternativeBroken()).isTrue();
        // the abandoned attempt's own end, and a late handshake, change nothing but closing it
        assertThat(race.on(QUIC_FAILED)).isEmpty();
        assertThat(race.on(QUIC_READY)).containsExactly(CLOSE_QUIC);
        assertThat(race.outcome()).isEqualTo(Outcome.TCP_QUIC_ABANDONED);
    }

    @Test
    void aQuicFailureStartsTcpAtOnceWithoutWaitingForTheDelay() {
        assertThat(race.on(QUIC_FAILED)).containsExactly(CANCEL_TIMER, START_TCP);
        assertThat(race.on(DELAY_ELAPSED)).isEmpty();
        assertThat(race.on(TCP_READY)).containsExactly(USE_TCP);
        assertThat(race.outcome()).isEqualTo(Outcome.TCP_QUIC_FAILED);
        assertThat(race.alternativeBroken()).isTrue();
    }

    @Test
    void aQuicFailureAfterTcpStartedLeavesTcpToFinish() {
        race.on(DELAY_ELAPSED);
        assertThat(race.on(QUIC_FAILED)).isEmpty();
        assertThat(race.on(TCP_READY)).containsExactly(USE_TCP);
        assertThat(race.outcome()).isEqualTo(Outcome.TCP_QUIC_FAILED);
    }

    @Test
    void quicReadyAfterTcpStartedWinsAndTcpIsAbandoned() {
        race.on(DELAY_ELAPSED);
        assertThat(race.on(QUIC_READY)).containsExactly(USE_QUIC, ABANDON_TCP);
        assertThat(race.outcome()).isEqualTo(Outcome.H3_TCP_ABANDONED);
        assertThat(race.alternativeBroken()).isFalse();
        assertThat(race.on(TCP_READY)).as("ready too late").containsExactly(CLOSE_TCP);
        assertThat(race.on(TCP_FAILED)).isEmpty();
    }

    @Test
    void aTcpFailureWhileQuicStillTriesLeavesQuicItsChance() {
        race.on(DELAY_ELAPSED);
        assertThat(race.on(TCP_FAILED)).isEmpty();
        assertThat(race.outcome()).isEqualTo(Outcome.UNDECIDED);
        assertThat(race.on(QUIC_READY)).containsExactly(CANCEL_TIMER, USE_QUIC);
        assertThat(race.outcome()).isEqualTo(Outcome.H3);
    }

    @Test
    void bothFailingFailsOnceWhicheverEndsLast() {
        race.on(QUIC_FAILED);
        assertThat(race.on(TCP_FAILED)).containsExactly(FAIL);
        assertThat(race.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(race.alternativeBroken()).isTrue();

        FallbackRace other = new FallbackRace();
        other.on(DELAY_ELAPSED);
        assertThat(other.on(TCP_FAILED)).isEmpty();
        assertThat(other.on(QUIC_FAILED)).containsExactly(FAIL);
        assertThat(other.on(QUIC_FAILED)).isEmpty();
        assertThat(other.outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void eventsForAnAttemptThatNeverStartedAreIgnored() {
        assertThat(race.on(TCP_FAILED)).isEmpty();
        assertThat(race.tcp()).isEqualTo(FallbackRace.Leg.NOT_STARTED);
        assertThat(race.on(DELAY_ELAPSED)).containsExactly(START_TCP);
    }
}
