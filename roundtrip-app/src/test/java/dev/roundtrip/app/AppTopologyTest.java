package dev.roundtrip.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.app.db.DatabaseConfig;
import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.TopologyException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Host APP_HOST = new Host("app-1", LabAddresses.parse("198.18.2.11"), "", List.of());
    private static final Host DB_HOST = new Host("db", LabAddresses.parse("198.18.3.10"), "", List.of());

    @Test
    void defaultsComeFromTheHostAndTheTopologysDatabase() {
        AppConfig c = AppTopology.appConfig(Network.embedded(), APP_HOST, spec(ServiceType.APP, 8080, "{}"), () -> "jdbc:h2:tcp://x/users");
        assertThat(c.name()).isEqualTo("app-1");
        assertThat(c.listen()).isEqualTo(new InetSocketAddress(APP_HOST.address(), 8080));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:h2:tcp://x/users");
        assertThat(c.poolSize()).isEqualTo(AppConfig.DEFAULT_POOL_SIZE);
    }

    @Test
    void settingsOverrideTheDefaults() {
        AppConfig c = AppTopology.appConfig(Network.embedded(), APP_HOST, spec(ServiceType.APP, 8081,
                "{\"name\":\"api-7\",\"pool-size\":4,\"max-in-flight\":64,\"db\":\"jdbc:postgresql://127.0.0.1/rt\"}"),
                () -> { throw new AssertionError("not asked when db is given"); });
        assertThat(c.name()).isEqualTo("api-7");
        assertThat(c.poolSize()).isEqualTo(4);
        assertThat(c.limits().maxInFlight()).isEqualTo(64);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/rt");
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> AppTopology.appConfig(Network.embedded(), APP_HOST, spec(ServiceType.APP, 8080, "{\"pool-size\":\"ten\"}"), () -> "jdbc:h2:mem:x"))
                .isInstanceOf(TopologyException.class).hasMessage("hosts[1].services[0].pool-size: 'ten' is not a whole number");
        assertThatThrownBy(() -> AppTopology.appConfig(Network.embedded(), APP_HOST, spec(ServiceType.APP, 8080, "{\"pool-size\":0}"), () -> "jdbc:h2:mem:x"))
                .hasMessage("hosts[1].services[0]: poolSize: 0 is outside 1 to 256");
        assertThatThrownBy(() -> AppTopology.appConfig(Network.embedded(), APP_HOST, spec(ServiceType.APP, 8080, "{\"pool\":3}"), () -> "jdbc:h2:mem:x"))
                .hasMessageStartingWith("hosts[1].services[0].pool: unknown key for service type 'app' (allowed: db, max-body-bytes");
    }

    @Test
    void theDatabaseLivesUnderTheStateRootByDefault() {
        DatabaseConfig d = AppTopology.databaseConfig(Network.embedded(), DB_HOST, spec(ServiceType.DATABASE, 9092, "{}"), Path.of("/srv/rt"));
        assertThat(d.dataDir()).isEqualTo(Path.of("/srv/rt/db/db"));
        assertThat(d.databaseName()).isEqualTo("users");
        assertThat(d.listen()).isEqualTo(new InetSocketAddress(DB_HOST.address(), 9092));
        assertThatThrownBy(() -> AppTopology.databaseConfig(Network.embedded(), DB_HOST, spec(ServiceType.DATABASE, 9092, "{\"name\":\"a b\"}"), Path.of("/x")))
                .hasMessageContaining("hosts[1].services[0]: database name: 'a b'");
    }

    private static ServiceSpec spec(ServiceType type, int port, String settings) {
        try {
            return new ServiceSpec(type, port, (ObjectNode) JSON.readTree(settings), "hosts[1].services[0]");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
