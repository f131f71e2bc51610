package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeRoundTripsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A trace run as roundtrip trace --json writes it (only the fields the experiment reads). */
    static JsonNode traceRun(String handshakePhase, double handshakeStart, double handshakeMs, double sendStart, double firstByteMs,
                             double lbMs, String earlyData, boolean resumed) throws Exception {
        return JSON.readTree("""
                {"time_starttransfer": %s, "early_data": "%s", "tls": {"resumed": %s},
                 "phases": [{"name": "dns", "happened": false, "start_ms": null, "duration_ms": null},
                            {"name": "%s", "happened": true, "start_ms": %s, "duration_ms": %s},
                            {"name": "request", "happened": true, "start_ms": %s, "duration_ms": 0.5}],
                 "server_timing": [{"name": "app", "duration_ms": 2.0}, {"name": "lb", "duration_ms": %s}]}
                """.formatted(firstByteMs / 1000, earlyData, resumed, handshakePhase, handshakeStart, handshakeMs, sendStart, lbMs));
    }

    @Test
    void theoryCountsTheRoundTripsOfEachHandshake() {
        assertThat(HandshakeRoundTrips.Kind.HTTP_1_1.theory).isEqualTo(3);
        assertThat(HandshakeRoundTrips.Kind.HTTP_2.theory).isEqualTo(3);
        assertThat(HandshakeRoundTrips.Kind.HTTP_2_RESUMED.theory).isEqualTo(3);
        assertThat(HandshakeRoundTrips.Kind.HTTP_3.theory).isEqualTo(2);
        assertThat(HandshakeRoundTrips.Kind.HTTP_3_0RTT.theory).isEqualTo(1);
    }

    @Test
    void aSampleIsTheFirstByteLessTheServersTimeInRoundTrips() throws Exception {
        HandshakeRoundTrips.Sample s = HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_2, 1,
                traceRun("tls", 101, 102, 204, 310, 10, "not_sent", false), 150);
        assertThat(s.firstByteMs()).isCloseTo(310, within(1e-9));
        assertThat(s.serverMs()).isEqualTo(10);
        assertThat(s.handshakeEndMs()).isEqualTo(203);
        assertThat(s.sendStartMs()).isEqualTo(204);
        assertThat(s.roundTrips(100)).isCloseTo(3.0, within(1e-9));
        assertThat(s.balancerArrivalMs()).isEqualTo(150);
    }

    @Test
    void rowsTakeMediansPerKindInTheirOrder() throws Exception {
        List<HandshakeRoundTrips.Sample> samples = List.of(
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3, 1, traceRun("quic", 1, 100, 102, 205, 5, "not_sent", false), 151),
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3, 2, traceRun("quic", 1, 120, 122, 245, 5, "not_sent", false), 171),
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3, 3, traceRun("quic", 1, 110, 112, 225, 5, "not_sent", false), Double.NaN),
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_1_1, 1, traceRun("tls", 100, 100, 201, 305, 5, "not_sent", false), 250));
        List<HandshakeRoundTrips.Row> rows = HandshakeRoundTrips.rows(samples, 100);
        assertThat(rows).extracting(HandshakeRoundTrips.Row::kind)
                .containsExactly(HandshakeRoundTrips.Kind.HTTP_1_1, HandshakeRoundTrips.Kind.HTTP_3);
        HandshakeRoundTrips.Row h3 = rows.get(1);
        assertThat(h3.samples()).isEqualTo(3);
        assertThat(h3.firstByteMs()).isCloseTo(225, within(1e-9));
        assertThat(h3.roundTrips()).isCloseTo(2.2, within(1e-9));
        assertThat(h3.minRoundTrips()).isCloseTo(2.05, within(1e-9));
        assertThat(h3.balancerArrivalRtt()).as("NaN arrivals are left out: median of 1.51 and 1.71").isCloseTo(1.61, within(1e-9));
        assertThat(HandshakeRoundTrips.median(new double[] {3, 1, 2, 10})).isEqualTo(2.5);
        assertThat(HandshakeRoundTrips.median(new double[] {})).isNaN();
    }

    @Test
    void theBalancersAccessLogGivesArrivalTimesInOrder() {
        String tp = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01";
        List<String> log = List.of(
                "05:18:03.859 [main] WARN MacAddressUtil - something else",
                "23:59:59.990 [lb-worker-3-2] INFO access - 198.18.4.1 \"GET /users h3\" 200 2976 lb_ms=9.500 upstream=198.18.2.1:8080 upstream_ms=9.0 retries=0 cluster=default traceparent=" + tp,
                "00:00:00.120 [lb-worker-3-2] INFO access - 198.18.4.1 \"GET /users h2\" 200 2976 lb_ms=10.000 upstream=x upstream_ms=9 retries=0 cluster=default traceparent=00-ffffffffffffffffffffffffffffffff-0123456789abcdef-01",
                "00:00:00.250 [lb-worker-3-2] INFO access - 198.18.4.1 \"GET /users h3\" 200 2976 lb_ms=5.250 upstream=x upstream_ms=5 retries=0 cluster=default traceparent=" + tp);
        Instant near = Instant.parse("2026-11-27T00:00:00.000Z");
        List<Instant> arrivals = HandshakeRoundTrips.balancerArrivals(log, tp, near, ZoneOffset.UTC);
        assertThat(arrivals).containsExactly(Instant.parse("2026-11-26T23:59:59.980500Z"), Instant.parse("2026-11-27T00:00:00.244750Z"));
    }

    @Test
    void zeroRttFindingsSayWhetherTheRequestCameWithTheFirstFlight() throws Exception {
        HandshakeRoundTrips.Sample late = HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3_0RTT, 1,
                traceRun("quic", 5, 105, 7, 222, 6, "accepted", true), 166);
        List<String> lateLines = HandshakeRoundTrips.zeroRttFindings(List.of(late), 100);
        assertThat(String.join("\n", lateLines)).contains("1 resumed the TLS session").contains("1 of 1 left before it ended")
                .contains("(1.66 RTT)").contains("verdict: not as the theory says");

        HandshakeRoundTrips.Sample early = HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3_0RTT, 1,
                traceRun("quic", 5, 105, 7, 112, 6, "accepted", true), 56);
        assertThat(String.join("\n", HandshakeRoundTrips.zeroRttFindings(List.of(early), 100))).contains("verdict: as the theory says");
        assertThat(HandshakeRoundTrips.zeroRttFindings(List.of(), 100)).isEmpty();
    }

    @Test
    void http3FindingsFlagAHandshakeLongerThanItsRoundTrip() throws Exception {
        HandshakeRoundTrips.Sample slow = HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3, 1,
                traceRun("quic", 4, 237, 242, 354, 7, "not_sent", false), 296);
        assertThat(HandshakeRoundTrips.http3Findings(List.of(slow), 100).getFirst()).contains("took 2.41 RTT");
        HandshakeRoundTrips.Sample fast = HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3, 1,
                traceRun("quic", 4, 104, 110, 215, 7, "not_sent", false), 160);
        assertThat(HandshakeRoundTrips.http3Findings(List.of(fast), 100)).hasSize(1).first().asString().contains("took 1.08 RTT");
    }

    @Test
    void jsonHasEveryProtocolMeasured() throws Exception {
        List<HandshakeRoundTrips.Sample> samples = List.of(
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_1_1, 1, traceRun("tls", 100, 100, 201, 305, 5, "not_sent", false), 250),
                HandshakeRoundTrips.sample(HandshakeRoundTrips.Kind.HTTP_3_0RTT, 1, traceRun("quic", 5, 105, 7, 222, 6, "accepted", true), Double.NaN));
        JsonNode json = JSON.readTree(HandshakeRoundTrips.json(HandshakeRoundTrips.rows(samples, 100), samples, 100, List.of("x")));
        assertThat(json.path("protocols")).extracting(p -> p.path("protocol").asText()).containsExactly("HTTP/1.1", "HTTP/3, 0-RTT");
        assertThat(json.path("protocols").get(1).path("samples").get(0).path("balancer_arrival_ms").isNull()).isTrue();
        assertThat(json.path("findings").get(0).asText()).isEqualTo("x");
    }
}
