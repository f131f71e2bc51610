package dev.roundtrip.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologyLoaderTest {
    private static final String VALID = """
            name: tiny
            hosts:
              - name: a.root-servers.net
                address: 198.18.0.4
                services:
                  - type: dns-authoritative
                    zones: [root.zone]
              - name: lb
                address: 2001:db8::10
                region: us-east
                services:
                  - type: load-balancer
                    port: 8443
                    backends: [198.18.2.1:8080]
            """;

    private static Topology load(String yaml) {
        return new TopologyLoader().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "topo.yaml");
    }

    @Test
    void validFileLoadsWithDefaultsAndSettings() {
        Topology topology = load(VALID);

        assertThat(topology.name()).isEqualTo("tiny");
        assertThat(topology.hosts()).extracting(Host::name).containsExactly("a.root-servers.net", "lb");
        ServiceSpec dns = topology.hosts().getFirst().services().getFirst();
        assertThat(dns.type()).isEqualTo(ServiceType.DNS_AUTHORITATIVE);
        assertThat(dns.port()).isEqualTo(53);
        assertThat(dns.settings().get("zones").get(0).asText()).isEqualTo("root.zone");
        assertThat(dns.settings().has("type")).isFalse();
        assertThat(dns.path()).isEqualTo("hosts[0].services[0]");
        Host lb = topology.host("lb").orElseThrow();
        assertThat(lb.address().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:10");
        assertThat(lb.region()).isEqualTo("us-east");
        assertThat(lb.services().getFirst().port()).isEqualTo(8443);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "address not lab | 198.18.0.4 | 10.0.0.1 | topo.yaml: hosts[0].address: '10.0.0.1' is not a lab address (allowed: 198.18.0.0/15 or 2001:db8::/32)",
            "address not ip | 198.18.0.4 | root.example | topo.yaml: hosts[0].address: 'root.example' is not an IP address (allowed: 198.18.0.0/15 or 2001:db8::/32)",
            "unknown type | dns-authoritative | dns-auth | topo.yaml: hosts[0].services[0].type: 'dns-auth' is not a service type (allowed: dns-authoritative, dns-resolver, load-balancer, app, database)",
            "bad port | port: 8443 | port: 70000 | topo.yaml: hosts[1].services[0].port: '70000' is not a port (allowed: 1-65535)",
            "unknown host key | region: us-east | regoin: us-east | topo.yaml: hosts[1].regoin: unknown key (allowed: address, name, region, services)",
            "duplicate name | name: lb | name: a.root-servers.net | topo.yaml: hosts[1].name: 'a.root-servers.net' is already the name of hosts[0] (host names are unique)",
            "bad host name | name: lb | name: lb_1 | topo.yaml: hosts[1].name: 'lb_1' is not a host name (letters, digits, '-' and dots)",
    })
    void brokenFilesNameTheField(String what, String replace, String with, String message) {
        assertThatThrownBy(() -> load(VALID.replace(replace, with)))
                .isInstanceOf(TopologyException.class)
                .hasMessage(message);
    }

    @Test
    void structuralErrorsNameTheField() {
        assertThatThrownBy(() -> load("name: x\n")).hasMessage("topo.yaml: hosts: expected a non-empty list of hosts, found nothing");
        assertThatThrownBy(() -> load("name: x\nhost: []\n")).hasMessage("topo.yaml: host: unknown key (allowed: hosts, links, name, paths, regions, seed)");
        assertThatThrownBy(() -> load("hosts:\n  - address: 198.18.0.1\n")).hasMessage("topo.yaml: hosts[0].name: missing (required)");
        assertThatThrownBy(() -> load("hosts:\n  - name: a\n    address: 198.18.0.1\n    services: {type: app}\n"))
                .hasMessage("topo.yaml: hosts[0].services: expected a list of services, found a mapping");
        assertThatThrownBy(() -> load("")).hasMessage("topo.yaml: the file is empty; expected 'name' and 'hosts'");
        assertThatThrownBy(() -> load("hosts: [\n"))
                .hasMessageMatching("topo.yaml: line \\d+, column \\d+: not valid YAML: while parsing a flow node; expected the node content, but found '<stream end>'");
        assertThatThrownBy(() -> new TopologyLoader().load(Path.of("/nonexistent/topo.yaml")))
                .hasMessage("/nonexistent/topo.yaml: file not found");
    }

    @Test
    void twoServicesOnOneAddressAndPortAreRejected() {
        String clash = """
                hosts:
                  - name: a
                    address: 198.18.0.1
                    services:
                      - type: dns-authoritative
                      - type: dns-resolver
                """;
        assertThatThrownBy(() -> load(clash))
                .hasMessage("topo.yaml: hosts[0].services[1].port: 53 on 198.18.0.1 is already used by hosts[0].services[0] (one service per address and port)");
    }
}
