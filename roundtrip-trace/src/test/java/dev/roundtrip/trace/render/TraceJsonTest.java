package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.trace.testing.Timelines;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The JSON schema roundtrip-trace/1: curl's marks, every phase (happened or not, and why), the facts, failures. */
class TraceJsonTest {
    private static JsonNode runs(String json) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(json);
        assertThat(doc.get("schema").asText()).isEqualTo("roundtrip-trace/1");
        return doc.get("runs");
    }

    @Test
    void aColdRequestHasCurlsCumulativeMarksAndEveryPhase() throws Exception {
        JsonNode run = runs(TraceJson.render(List.of(Timelines.coldHttps()))).get(0);
        assertThat(run.get("time_namelookup").asDouble()).isEqualTo(0.030);
        assertThat(run.get("time_connect").asDouble()).isEqualTo(0.032);
        assertThat(run.get("time_appconnect").asDouble()).isEqualTo(0.040);
        assertThat(run.get("time_pretransfer").asDouble()).isEqualTo(0.041);
        assertThat(run.get("time_starttransfer").asDouble()).isEqualTo(0.092);
        assertThat(run.get("time_total").asDouble()).isEqualTo(0.101);
        assertThat(StreamSupport.stream(run.get("phases").spliterator(), false).map(p -> p.get("name").asText()))
                .containsExactly("dns", "tcp", "tls", "request", "wait", "download");
        JsonNode wait = run.get("phases").get(4);
        assertThat(wait.get("happened").asBoolean()).isTrue();
        assertThat(wait.get("start_ms").asDouble()).isEqualTo(42.0);
        assertThat(wait.get("duration_ms").asDouble()).isEqualTo(50.0);
        assertThat(run.get("dns_steps")).hasSize(2);
        assertThat(run.get("dns_steps").get(0).get("outcome").asText()).isEqualTo("referral to com.");
        assertThat(run.get("dns_steps").get(1).get("rtt_ms").asDouble()).isEqualTo(18.0);
        assertThat(run.get("tls").get("alpn").asText()).isEqualTo("h2");
        assertThat(run.get("tls").get("resumed").asBoolean()).isFalse();
        assertThat(run.get("server_timing")).hasSize(3);
        assertThat(run.get("server_timing").get(2).get("description").asText()).isEqualTo("select users");
        assertThat(run.get("remote").get("ip_version").asInt()).isEqualTo(4);
        assertThat(run.get("connection").get("reused").asBoolean()).isFalse();
        assertThat(run.get("failure").isNull()).isTrue();
        assertThat(run.get("ok").asBoolean()).isTrue();
    }

    @Test
    void aWarmRequestShowsWhatDidNotHappenAndWhy() throws Exception {
        JsonNode run = runs(TraceJson.render(List.of(Timelines.coldHttps(), Timelines.warmHttps()))).get(1);
        assertThat(run.get("run").asInt()).isEqualTo(2);
        assertThat(run.get("connection").get("reused").asBoolean()).isTrue();
        JsonNode dns = run.get("phases").get(0);
        assertThat(dns.get("happened").asBoolean()).isFalse();
        assertThat(dns.get("start_ms").isNull()).isTrue();
        assertThat(dns.get("note").asText()).isEqualTo("connection reused: no lookup needed");
        assertThat(run.get("phases").get(2).get("note").asText()).isEqualTo("connection reused: no TLS handshake");
        assertThat(run.get("time_namelookup").asDouble()).isZero();
        assertThat(run.get("time_connect").asDouble()).isZero();
        assertThat(run.get("time_appconnect").asDouble()).isZero();
        assertThat(run.get("time_pretransfer").asDouble()).isZero();
        assertThat(run.get("time_starttransfer").asDouble()).isEqualTo(0.051);
    }

    @Test
    void aFailureNamesItsClassPhaseTimeAndExitCode() throws Exception {
        JsonNode run = runs(TraceJson.render(List.of(Timelines.tlsFailure()))).get(0);
        JsonNode f = run.get("failure");
        assertThat(f.get("class").asText()).isEqualTo("tls-name-mismatch");
        assertThat(f.get("exit_code").asInt()).isEqualTo(32);
        assertThat(f.get("phase").asText()).isEqualTo("tls");
        assertThat(f.get("at_ms").asDouble()).isEqualTo(12.0);
        assertThat(f.get("message").asText()).contains("other.example.com");
        assertThat(run.get("ok").asBoolean()).isFalse();
        assertThat(run.get("status").asInt()).isEqualTo(-1);
        assertThat(run.get("time_connect").asDouble()).isEqualTo(0.006);
        assertThat(run.get("time_appconnect").asDouble()).as("not reached").isZero();
        assertThat(run.get("phases").get(3).get("note").asText()).isEqualTo("not reached: the request failed in tls");
    }
}
