package dev.roundtrip.app.db;

import static dev.roundtrip.app.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.app.ApiClient;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.AppServer;
import dev.roundtrip.core.net.Network;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared database and an app server over IPv6 ({@code [::1]}), as on a 2001:db8::/32 lab host. */
class DatabaseServerIpv6Test {
    @TempDir
    Path dataDir;

    @Test
    void appServerReachesTheDatabaseOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        assumeTrue(v6 instanceof Inet6Address && canBind(v6), "no IPv6 loopback here: skipping");
        DatabaseServer database = new DatabaseServer(new DatabaseConfig(Network.host(), new InetSocketAddress(v6, 0), dataDir, "users"));
        database.start().get(30, TimeUnit.SECONDS);
        AppServer app = null;
        try {
            assertThat(database.jdbcUrl()).startsWith("jdbc:h2:tcp://[0:0:0:0:0:0:0:1]:");
            app = new AppServer(AppConfig.of(Network.host(), new InetSocketAddress(v6, 0), "app-v6", database.jdbcUrl()));
            InetSocketAddress address = app.start().get(30, TimeUnit.SECONDS).getFirst().real();
            assertThat(address.getAddress()).isEqualTo(v6);
            try (ApiClient client = new ApiClient(address)) {
                assertThat(json(client.get("/users/1")).get("name").asText()).isEqualTo("Ada Lovelace");
            }
        } finally {
            if (app != null) {
                app.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            }
            database.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean canBind(InetAddress address) {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
