package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.trace.testing.Timelines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HAR 1.2 output: the spec's structure, the phase mapping, and time as the exact sum of the timings. */
class HarTest {
    private static JsonNode har(List<dev.roundtrip.trace.TraceResult> runs) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(Har.render(runs));
        HarStructure.validate(doc);
        return doc;
    }

    @Test
    void coldWarmAndFailedRequestsAreValidHar() throws Exception {
        JsonNode doc = har(List.of(Timelines.coldHttps(), Timelines.warmHttps(), Timelines.tlsFailure()));
        assertThat(doc.get("log").get("entries")).hasSize(3);
        assertThat(doc.get("log").get("pages").get(0).get("id").asText()).isEqualTo("page_1");
    }

    @Test
    void phasesMapToHarTimingsWithSslInsideConnect() throws Exception {
        JsonNode e = har(List.of(Timelines.coldHttps())).get("log").get("entries").get(0);
        JsonNode t = e.get("timings");
        assertThat(t.get("dns").asDouble()).isEqualTo(30.0);
        assertThat(t.get("connect").asDouble()).isEqualTo(9.0);
        assertThat(t.get("ssl").asDouble()).isEqualTo(8.0);
        assertThat(t.get("send").asDouble()).isEqualTo(1.0);
        assertThat(t.get("wait").asDouble()).isEqualTo(50.0);
        assertThat(t.get("receive").asDouble()).isEqualTo(8.0);
        assertThat(t.get("blocked").asDouble()).as("the gaps between phases: 1 + 1 + 1 ms").isEqualTo(3.0);
        assertThat(e.get("time").asDouble()).isEqualTo(101.0);
        assertThat(e.get("startedDateTime").asText()).isEqualTo("2026-11-26T03:00:00Z");
        assertThat(e.get("request").get("httpVersion").asText()).isEqualTo("HTTP/2.0");
        assertThat(e.get("request").get("headers").findValuesAsText("name")).doesNotContain(":method", ":path").contains("user-agent");
        assertThat(e.get("request").get("queryString").get(1).get("value").asText()).isEqualTo("a b");
        assertThat(e.get("response").get("content").get("mimeType").asText()).isEqualTo("application/json");
        assertThat(e.get("response").get("content").get("size").asLong()).isEqualTo(1000);
        assertThat(e.get("serverIPAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(e.get("connection").asText()).isEqualTo("1");
        assertThat(e.get("_serverTiming")).hasSize(3);
    }

    @Test
    void aReusedConnectionHasNoDnsConnectOrSsl() throws Exception {
        JsonNode t = har(List.of(Timelines.warmHttps())).get("log").get("entries").get(0).get("timings");
        assertThat(t.get("dns").asDouble()).isEqualTo(-1);
        assertThat(t.get("connect").asDouble()).isEqualTo(-1);
        assertThat(t.get("ssl").asDouble()).isEqualTo(-1);
        assertThat(t.get("blocked").asDouble()).isZero();
    }

    @Test
    void aFailedRequestHasStatusZeroAndItsError() throws Exception {
        JsonNode e = har(List.of(Timelines.tlsFailure())).get("log").get("entries").get(0);
        assertThat(e.get("response").get("status").asInt()).isZero();
        assertThat(e.get("_error").asText()).contains("other.example.com");
        assertThat(e.get("_errorPhase").asText()).isEqualTo("tls");
        assertThat(e.get("timings").get("ssl").asDouble()).isEqualTo(6.0);
        assertThat(e.get("time").asDouble()).isEqualTo(12.0);
    }
}
