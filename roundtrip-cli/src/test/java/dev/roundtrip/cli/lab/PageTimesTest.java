package dev.roundtrip.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageTimesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The page loader's JSON for pages of two objects: {http, connections, page_ms or -1 when incomplete, warm_up}. */
    static JsonNode document(Object[]... pages) throws Exception {
        StringBuilder out = new StringBuilder("{\"schema\":\"roundtrip-page/1\",\"pages\":[");
        for (int i = 0; i < pages.length; i++) {
            Object[] p = pages[i];
            double ms = ((Number) p[2]).doubleValue();
            out.append(i == 0 ? "" : ",").append("""
                    {"run":1,"warm_up":%s,"http":"%s","protocol":"x","connections":%s,"objects":2,"bytes":10,
                     "connect_ms":200,"page_ms":%s,"complete":%s,"failure":null,
                     "object_timings":[{"index":0,"connection":1,"queued_ms":0,"sent_ms":1,"first_byte_ms":50,"end_ms":%s,"status":200,"bytes":10,"failure":null},
                                       {"index":1,"connection":1,"queued_ms":0,"sent_ms":1,"first_byte_ms":50,"end_ms":11,"status":200,"bytes":10,"failure":null}]}
                    """.formatted(p.length > 3 && (Boolean) p[3], p[0], p[1], ms, ms >= 0, Math.max(ms, 1)));
        }
        return JSON.readTree(out.append("]}").toString());
    }

    @Test
    void percentilesAreNearestRankAndTheMedianOfAnEvenCountIsTheMiddlePair() {
        double[] five = {500, 100, 400, 200, 300};
        assertThat(PageTimes.percentile(five, 50)).isEqualTo(300);
        assertThat(PageTimes.percentile(five, 95)).isEqualTo(500);
        assertThat(PageTimes.percentile(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertThat(PageTimes.percentile(twenty, 95)).isEqualTo(19);
        assertThat(PageTimes.percentile(new double[] {}, 50)).isNaN();
    }

    @Test
    void cellsGroupPagesByProtocolLeaveWarmUpsOutAndCountIncompletePages() throws Exception {
        JsonNode doc = document(new Object[] {"1.1", 6, 5000, true}, new Object[] {"1.1", 6, 1000}, new Object[] {"1.1", 6, 1200},
                new Object[] {"1.1", 6, 1400}, new Object[] {"3", 1, 900}, new Object[] {"3", 1, -1}, new Object[] {"2", 1, 800});
        List<PageTimes.Cell> cells = PageTimes.cells(2, doc);
        assertThat(cells).extracting(PageTimes.Cell::label).containsExactly("HTTP/1.1 x6", "HTTP/2", "HTTP/3");
        PageTimes.Cell h1 = cells.getFirst();
        assertThat(h1.pages()).isEqualTo(3);
        assertThat(h1.medianMs()).isEqualTo(1200);
        assertThat(h1.p95Ms()).isEqualTo(1400);
        assertThat(h1.medianConnectMs()).isEqualTo(200);
        assertThat(h1.medianObjectMs()).as("objects: 999, 1199, 1399 and three of 10 ms").isCloseTo((10 + 999) / 2.0, within(1e-9));
        PageTimes.Cell h3 = cells.get(2);
        assertThat(h3.pages()).isEqualTo(2);
        assertThat(h3.incomplete()).isEqualTo(1);
        assertThat(h3.medianMs()).isEqualTo(900);
    }

    @Test
    void tableChartAndJsonCompareEachProtocolWithItsOwnLosslessTime() throws Exception {
        List<PageTimes.Cell> cells = new ArrayList<>();
        cells.addAll(PageTimes.cells(0, document(new Object[] {"1.1", 6, 1000}, new Object[] {"2", 1, 500}, new Object[] {"3", 1, 600})));
        cells.addAll(PageTimes.cells(5, document(new Object[] {"1.1", 6, 1500}, new Object[] {"2", 1, 2000}, new Object[] {"3", 1, 840})));
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        PageTimes.printTable(out, cells, List.of(0.0, 5.0));
        PageTimes.printChart(out, cells, List.of(0.0, 5.0), 20);
        out.flush();
        assertThat(text.toString()).contains("| HTTP/1.1 x6").contains("1500 ms / 1500 ms (x1.50)")
                .contains("2000 ms / 2000 ms (x4.00)").contains("840 ms / 840 ms (x1.40)").contains("full width 2000 ms")
                .contains("#".repeat(20) + " 2000 ms");
        assertThat(PageTimes.bar(500, 1000, 2000, 20)).isEqualTo("#####    |          ");

        List<String> reading = HeadOfLineCommand.reading(List.of(0.0, 5.0), cells);
        assertThat(reading.getFirst()).contains("fastest page was HTTP/3's (median 840 ms)").contains("slowed down least");
        assertThat(reading.get(1)).contains("is shown by this run");

        JsonNode json = JSON.readTree(PageTimes.json(cells, 100, 2, 10, 1, 7, "cubic"));
        assertThat(json.path("congestion_control").asText()).isEqualTo("cubic");
        assertThat(json.path("results")).hasSize(6);
        assertThat(json.path("results")).extracting(r -> r.path("http").asText()).containsExactly("1.1", "2", "3", "1.1", "2", "3");
        assertThat(json.path("results").get(4).path("slowdown_vs_lowest_loss").asDouble()).isEqualTo(4.0);
    }

    @Test
    void theSteadyStateEstimateFollowsTheSquareRootOfLoss() {
        assertThat(PageTimes.mathisBytesPerSecond(1200, 100, 5)).isCloseTo(1.22 * 1200 / 0.1 / Math.sqrt(0.05), within(1e-6));
        assertThat(PageTimes.mathisBytesPerSecond(1200, 100, 1) / PageTimes.mathisBytesPerSecond(1200, 100, 4)).isCloseTo(2.0, within(1e-9));
        assertThat(PageTimes.mathisBytesPerSecond(1448, 100, 0)).isInfinite();
    }

    @Test
    void theTopologyGivesEachLossRateItsOwnClientAndLossyPaths() {
        var values = HeadOfLineCommand.topologyValues(List.of(0.0, 1.5, 5.0), 100, 42, dev.roundtrip.http.h3.QuicLimits.CongestionControl.BBR);
        assertThat(values.get("RTT")).isEqualTo("100ms");
        assertThat(values.get("CLIENT-PATHS")).contains("{from: client-loss-1p5, to: lb.example.com, loss: 1.5%}")
                .contains("{from: lb.example.com, to: client-loss-5, loss: 5%}");
        assertThat(values.get("CLIENT-HOSTS")).contains("name: client-loss-0\n    address: 198.18.4.1")
                .contains("name: client-loss-5\n    address: 198.18.4.3");
        String text = ScenarioTemplate.fill(HeadOfLineCommand.RESOURCE, values);
        var loaded = ScenarioTemplate.load(text, "test");
        assertThat(loaded.topology().hosts()).extracting(h -> h.name()).contains("lb.example.com", "client-loss-1p5");
        assertThat(text).contains("http3: {congestion_control: bbr}");
    }
}
