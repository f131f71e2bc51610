package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.cli.CliTest;
import org.junit.jupiter.api.Test;

/** {@code roundtrip lab run failover} at a tiny size: L4 clients see resets, L7 clients of GETs see nothing. */
class FailoverCommandTest {

    @Test
    void l4ShowsResetsAndL7HidesTheCrash() throws Exception {
        CliTest.Result r = CliTest.run("lab", "run", "failover", "--clients", "8", "--requests", "800", "--duration", "20s", "--seed", "3",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("victim").asText()).matches("198\\.18\\.20\\.1[012]:8080");
        JsonNode l4 = result.get("rows").get(0);
        JsonNode l7 = result.get("rows").get(1);
        assertThat(l4.get("balancer").asText()).isEqualTo("L4 (tcp)");
        assertThat(l7.get("balancer").asText()).isEqualTo("L7 (http)");

        assertThat(l4.get("resets").asLong()).as("clients of the dead backend's connections").isPositive();
        assertThat(l4.get("ok").asLong() + l4.get("resets").asLong() + sum(l4.get("errors"))).isEqualTo(l4.get("requests").asLong());
        assertThat(l4.get("ok").asLong()).as("new connections after the crash go to live backends").isGreaterThan(l4.get("requests").asLong() / 2);

        assertThat(l7.get("requests").asLong()).isEqualTo(800);
        assertThat(l7.get("ok").asLong()).isEqualTo(800);
        assertThat(l7.get("resets").asLong()).isZero();
        assertThat(l7.get("errors").size()).isZero();
        assertThat(l7.get("lbRetries").asLong()).as("the GETs that met the dead backend were sent again").isPositive();
        assertThat(l7.get("p99Millis").asDouble()).isGreaterThanOrEqualTo(l7.get("p50Millis").asDouble()).isPositive();
    }

    @Test
    void tableHasARowPerBalancer() {
        CliTest.Result r = CliTest.run("lab", "run", "failover", "--clients", "4", "--requests", "200", "--duration", "20s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("balancer", "requests", "resets", "other errors", "lb retries", "p50 ms", "p99 ms");
        assertThat(r.out()).containsPattern("\\nL4 \\(tcp\\) +200 +\\d+ +[1-9]\\d* ");
        assertThat(r.out()).containsPattern("\\nL7 \\(http\\) +200 +200 +0 +none +[1-9]\\d* ");
    }

    @Test
    void badFlagsExitWith2() {
        CliTest.Result r = CliTest.run("lab", "run", "failover", "--duration", "forever");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--duration: 'forever' is not a duration (allowed: e.g. 500ms, 10s, 1m)");
    }

    private static long sum(JsonNode errors) {
        long n = 0;
        for (JsonNode v : errors) {
            n += v.asLong();
        }
        return n;
    }
}
