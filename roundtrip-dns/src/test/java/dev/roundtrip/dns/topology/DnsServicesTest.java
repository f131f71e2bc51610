package dev.roundtrip.dns.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.zone.DemoZones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsServicesTest {
    final ObjectMapper json = new ObjectMapper();
    final Host root = new Host("a.root-servers.net", DemoZones.ROOT_SERVER, "", List.of());

    ObjectNode settings(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }

    @Test
    void buildsServersFromBuiltInAndFileZones(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("my.zone"), "$ORIGIN my.test.\n@ 300 IN SOA ns h 1 2 3 4 5\n@ 300 IN NS ns\nns 300 IN A 198.18.9.9\n");
        AuthoritativeServer s = DnsServices.authoritative(Network.embedded(), root,
                new ServiceSpec(ServiceType.DNS_AUTHORITATIVE, 53, settings("{\"zones\":[\"root.zone\",\"my.zone\"]}"), "hosts[0].services[0]"), dir);
        assertThat(s.config().zones()).extracting(z -> z.origin().toString()).containsExactly(".", "my.test.");
        RecursiveResolver r = DnsServices.resolver(Network.embedded(), root,
                new ServiceSpec(ServiceType.DNS_RESOLVER, 53, settings("{\"max-cache-ttl\":60,\"qname-minimisation\":false}"), "hosts[1].services[0]"),
                dir, MonotonicClock.SYSTEM);
        assertThat(r.config().cache().maxCacheTtl().toSeconds()).isEqualTo(60);
        assertThat(r.config().qnameMinimisation()).isFalse();
        assertThat(r.config().rootServers()).isEqualTo(DemoZones.rootServers());
    }

    @Test
    void errorsNameTheFieldAndWhatIsAllowed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DnsServices.authoritative(Network.embedded(), root,
                new ServiceSpec(ServiceType.DNS_AUTHORITATIVE, 53, settings("{\"zones\":[\"nope.zone\"]}"), "hosts[0].services[0]"), dir))
                .isInstanceOf(TopologyException.class).hasMessageStartingWith("hosts[0].services[0].zones[0]: 'nope.zone': no such file");
        assertThatThrownBy(() -> DnsServices.authoritative(Network.embedded(), root,
                new ServiceSpec(ServiceType.DNS_AUTHORITATIVE, 53, settings("{\"zone\":[\"root.zone\"]}"), "hosts[0].services[0]"), dir))
                .hasMessageContaining("hosts[0].services[0].zone: unknown key");
        assertThatThrownBy(() -> DnsServices.resolver(Network.embedded(), root,
                new ServiceSpec(ServiceType.DNS_RESOLVER, 53, settings("{\"max-cache-ttl\":-5}"), "hosts[1].services[0]"), dir, MonotonicClock.SYSTEM))
                .hasMessageContaining("hosts[1].services[0].max-cache-ttl: '-5' is not a whole number in 0-604800");
    }
}
