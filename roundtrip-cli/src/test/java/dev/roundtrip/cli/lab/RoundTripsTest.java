package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.lab.topology.Geography;
import dev.roundtrip.lab.topology.GeographyParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The scenario's theory against a trace's JSON, without a lab. */
class RoundTripsTest {
    static final Launch.Loaded SCENARIO = Launch.loadResource(TokyoVsNewYorkCommand.RESOURCE, "scenario");
    static final Geography GEO = GeographyParser.parse(SCENARIO.topology(), "scenario");

    /** A cold and a warm run as `roundtrip trace --json` writes them. */
    static JsonNode runs(double dns, double tcp, double tls, double wait, double lb, double total, double warmTotal) throws Exception {
        String cold = """
                {"time_total": %s, "phases": [
                  {"name": "dns", "happened": true, "duration_ms": %s},
                  {"name": "tcp", "happened": true, "duration_ms": %s},
                  {"name": "tls", "happened": true, "duration_ms": %s},
                  {"name": "request", "happened": true, "duration_ms": 0.1},
                  {"name": "wait", "happened": true, "duration_ms": %s}],
                 "dns_steps": [
                  {"source": "query", "server": "198.18.4.53:53", "zone": "", "rtt_ms": 158},
                  {"source": "query", "server": "198.18.0.4:53", "zone": ".", "rtt_ms": 4},
                  {"source": "query", "server": "198.18.0.30:53", "zone": "com.", "rtt_ms": 4},
                  {"source": "query", "server": "198.18.0.53:53", "zone": "example.com.", "rtt_ms": 150},
                  {"source": "query", "server": "198.18.0.53:53", "zone": "example.com.", "rtt_ms": 150},
                  {"source": "resolver_cache", "server": "", "zone": "", "rtt_ms": 0}],
                 "server_timing": [{"name": "lb", "duration_ms": %s}]}
                """.formatted(total / 1000, dns, tcp, tls, wait, lb);
        String warm = """
                {"time_total": %s, "phases": [], "dns_steps": [], "server_timing": [{"name": "lb", "duration_ms": %s}]}
                """.formatted(warmTotal / 1000, lb);
        return new ObjectMapper().readTree("[" + cold + "," + warm + "]");
    }

    @Test
    void tokyosColdDnsIsItsResolverPlusOneRoundTripPerZoneAndEachHandshakeOneRtt() throws Exception {
        RoundTrips.Row row = RoundTrips.of("tokyo-client", runs(160, 151, 152, 153, 2, 620, 153), SCENARIO.topology(), GEO);
        assertThat(row.rttMs()).isEqualTo(150);
        // 1 ms to the Tokyo resolver, 4 ms each to the anycast root and .com, 150 ms to example.com's server (asked twice: counted once).
        assertThat(row.phase("dns").orElseThrow().predictedMs()).isCloseTo(159, within(0.01));
        assertThat(row.phase("tcp").orElseThrow().roundTrips()).isCloseTo(151 / 150.0, within(1e-9));
        assertThat(row.phase("tls").orElseThrow().predictedMs()).isEqualTo(150);
        RoundTrips.Phase wait = row.phase("wait").orElseThrow();
        assertThat(wait.predictedMs()).isEqualTo(152);
        assertThat(wait.roundTrips()).isCloseTo((153 - 2) / 150.0, within(1e-9));
        assertThat(row.phase("total").orElseThrow().predictedMs()).isCloseTo(159 + 150 + 150 + 152, within(0.01));
        assertThat(row.phase("warm total").orElseThrow().roundTrips()).isCloseTo(151 / 150.0, within(1e-9));
    }

    @Test
    void newYorkIsEightMillisecondsAwayAndTheTablePrintsBothClients() throws Exception {
        RoundTrips.Row ny = RoundTrips.of("newyork-client", runs(18, 8.3, 8.6, 9.5, 1.2, 46, 9.4), SCENARIO.topology(), GEO);
        assertThat(ny.rttMs()).isEqualTo(8);
        RoundTrips.Row tokyo = RoundTrips.of("tokyo-client", runs(160, 151, 152, 153, 2, 620, 153), SCENARIO.topology(), GEO);
        StringWriter text = new StringWriter();
        RoundTrips.print(new PrintWriter(text, true), java.util.List.of(tokyo, ny));
        assertThat(text.toString()).contains("tokyo-client (RTT 150.0 ms)", "newyork-client (RTT 8.0 ms)")
                .containsPattern("tcp handshake +151\\.0 ms +150\\.0 ms +1\\.01 +8\\.3 ms +8\\.0 ms +1\\.04");
        assertThat(RoundTrips.json(java.util.List.of(tokyo, ny))).startsWith("{\"clients\":[{\"client\":\"tokyo-client\"");
    }
}
