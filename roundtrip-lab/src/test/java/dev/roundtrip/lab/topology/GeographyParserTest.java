package dev.roundtrip.lab.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.core.topology.TopologyLoader;
import dev.roundtrip.lab.wire.LossModel;
import dev.roundtrip.lab.wire.PathSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GeographyParserTest {
    static final String HOSTS = """
            hosts:
              - {name: origin, address: 198.18.1.10, region: us-east}
              - {name: origin-2, address: 198.18.1.11, region: us-east}
              - {name: tokyo-client, address: 198.18.4.1, region: tokyo}
              - {name: nowhere, address: 198.18.9.9}
            """;

    static Geography parse(String yaml) {
        Topology t = new TopologyLoader().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
        return GeographyParser.parse(t, "test.yaml");
    }

    @Test
    void linksGiveHalfTheirRoundTripEachWayAndRegionsTheirOwn() {
        Geography g = parse("""
                seed: 7
                regions:
                  - {name: us-east, rtt: 2ms}
                  - {name: tokyo}
                links:
                  - {between: [us-east, tokyo], rtt: 150ms, jitter: 1ms, loss: 0.5%, bandwidth: 50Mbit, queue: 20ms}
                """ + HOSTS);
        PathSpec p = g.path("tokyo-client", "origin");
        assertThat(p.delay()).isEqualTo(Duration.ofMillis(75));
        assertThat(p.jitter()).isEqualTo(Duration.ofMillis(1));
        assertThat(p.loss()).isEqualTo(new LossModel.Random(0.005));
        assertThat(p.rateBitsPerSecond()).isEqualTo(50_000_000L);
        assertThat(p.queueLimit()).isEqualTo(Duration.ofMillis(20));
        assertThat(g.path("origin", "tokyo-client")).isEqualTo(p);
        assertThat(g.rtt("tokyo-client", "origin")).isEqualTo(Duration.ofMillis(150));
        assertThat(g.path("origin", "origin-2").delay()).isEqualTo(Duration.ofMillis(1));
        assertThat(g.path("nowhere", "origin")).isEqualTo(PathSpec.IDEAL);
        assertThat(g.seed()).isEqualTo(7);
    }

    @Test
    void aPathOverridesOneDirectionOnlyAndKeepsWhatItDoesNotSay() {
        Geography g = parse("""
                regions: [{name: us-east}, {name: tokyo}]
                links: [{between: [us-east, tokyo], rtt: 100ms}]
                paths:
                  - from: tokyo-client
                    to: origin
                    loss: {model: gilbert-elliott, p-good-bad: 1%, p-bad-good: 25%}
                """ + HOSTS);
        PathSpec there = g.path("tokyo-client", "origin");
        assertThat(there.delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(there.loss()).isEqualTo(new LossModel.GilbertElliott(0.01, 0.25, 0, 1));
        assertThat(g.path("origin", "tokyo-client").loss()).isEqualTo(new LossModel.None());
    }

    @Test
    void mistakesNameTheFieldTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> parse("regions: [{name: us-east}]\n" + HOSTS))
                .isInstanceOf(TopologyException.class).hasMessageContaining("test.yaml").hasMessageContaining("hosts[2].region")
                .hasMessageContaining("'tokyo' is not a region (allowed: us-east)");
        assertThatThrownBy(() -> parse("regions: [{name: us-east}, {name: tokyo}]\n" + HOSTS))
                .hasMessageContaining("no link between regions 'us-east' and 'tokyo'");
        assertThatThrownBy(() -> parse("regions: [{name: us-east}, {name: tokyo}]\nlinks: [{between: [us-east, tokyo], rtt: 150}]\n" + HOSTS))
                .hasMessageContaining("links[0].rtt").hasMessageContaining("'150' is not a duration");
        assertThatThrownBy(() -> parse("regions: [{name: us-east}, {name: tokyo}]\nlinks: [{between: [us-east, tokyo], rtt: 10ms, jitter: 6ms}]\n" + HOSTS))
                .hasMessageContaining("links[0].jitter").hasMessageContaining("more than the one-way delay");
        assertThatThrownBy(() -> parse("regions: [{name: us-east}, {name: tokyo}]\nlinks: [{between: [us-east, tokyo], rtt: 10ms, loss: 120%}]\n" + HOSTS))
                .hasMessageContaining("links[0].loss").hasMessageContaining("not between 0% and 100%");
        assertThatThrownBy(() -> parse("regions: [{name: us-east}, {name: tokyo}]\nlinks: [{between: [us-east, tokyo], rtt: 10ms, speed: 1}]\n" + HOSTS))
                .hasMessageContaining("links[0].speed").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> parse("paths: [{from: tokyo-client, to: mars, delay: 1ms}]\nregions: [{name: us-east}, {name: tokyo}]\n"
                + "links: [{between: [us-east, tokyo], rtt: 10ms}]\n" + HOSTS))
                .hasMessageContaining("paths[0].to").hasMessageContaining("'mars' is not a host");
    }

    @Test
    void withoutRegionsEveryPathIsIdeal() {
        Geography g = parse(HOSTS.replace(", region: us-east", "").replace(", region: tokyo", ""));
        assertThat(g.path("tokyo-client", "origin")).isEqualTo(PathSpec.IDEAL);
    }
}
