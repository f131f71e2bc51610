package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each failure counts as, and the row the table and JSON print. */
class FailoverTallyTest {

    @Test
    void exceptionsAreClassifiedByWhatTheClientSaw() {
        assertThat(Outcome.of(new SocketException("Connection reset"))).isEqualTo(Outcome.RESET);
        assertThat(Outcome.of(new SocketException("Broken pipe"))).isEqualTo(Outcome.RESET);
        assertThat(Outcome.of(new EOFException("connection closed before a complete response"))).isEqualTo(Outcome.CLOSED);
        assertThat(Outcome.of(new SocketTimeoutException("Read timed out"))).isEqualTo(Outcome.TIMEOUT);
        assertThat(Outcome.of(new ConnectException("Connection refused"))).isEqualTo(Outcome.REFUSED);
        assertThat(Outcome.of(new IOException("not an HTTP/1.x status line: hello"))).isEqualTo(Outcome.OTHER);
        assertThat(Outcome.ofStatus(200)).isEqualTo(Outcome.OK);
        assertThat(Outcome.ofStatus(502)).isEqualTo(Outcome.HTTP_5XX);
        assertThat(Outcome.ofStatus(404)).isEqualTo(Outcome.OTHER);
    }

    @Test
    void rowCountsKindsAndTakesNearestRankPercentilesOfSuccessfulRequests() {
        FailoverTally t = new FailoverTally();
        for (int i = 1; i <= 100; i++) {
            t.record(Outcome.OK, i * 1_000_000L); // 1..100 ms
        }
        t.record(Outcome.RESET, 5_000_000_000L);
        t.record(Outcome.RESET, 1);
        t.record(Outcome.HTTP_5XX, 1);
        FailoverTally.Row row = t.row("L4 (tcp)", 3);
        assertThat(row.requests()).isEqualTo(103);
        assertThat(row.ok()).isEqualTo(100);
        assertThat(row.resets()).isEqualTo(2);
        assertThat(row.errors()).isEqualTo(Map.of("5xx", 1L));
        assertThat(row.lbRetries()).isEqualTo(3);
        assertThat(row.p50Millis()).isEqualTo(50.0);
        assertThat(row.p99Millis()).isEqualTo(99.0);
        assertThat(new FailoverTally().row("L7 (http)", 0).p50Millis()).isEqualTo(-1);
    }
}
