package dev.roundtrip.app.db;

import static dev.roundtrip.app.ApiClient.json;
import static dev.roundtrip.app.ApiClient.userJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.app.ApiClient;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.AppServer;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology of {@code roundtrip up}: one H2 database server on a lab address, two app servers
 * sharing it. Runs in a JVM of its own (surefire reuseForks=false): the database server must be the
 * first to load H2 so that H2 binds only the address the Network gave it.
 */
class DatabaseServerTest {
    private static final InetSocketAddress DB_LAB = new InetSocketAddress(LabAddressesForTest.DB, 9092);

    @TempDir
    Path dataDir;

    @Test
    void twoAppServersShareOneDatabaseThatSurvivesARestart() throws Exception {
        Network network = Network.embedded();
        DatabaseServer database = new DatabaseServer(new DatabaseConfig(network, DB_LAB, dataDir, "users"));
        String urlBeforeStart = database.jdbcUrl();
        List<BoundAddress> bound = database.start().get(30, TimeUnit.SECONDS);
        try {
            assertThat(bound).singleElement().satisfies(b -> {
                assertThat(b.labAddress()).isEqualTo(DB_LAB);
                assertThat(b.real().getAddress().isLoopbackAddress()).isTrue();
            });
            assertThat(database.jdbcUrl()).isEqualTo(urlBeforeStart)
                    .isEqualTo("jdbc:h2:tcp://127.0.0.1:" + bound.getFirst().real().getPort() + "/users;USER=sa");
            assertThat(org.h2.engine.SysProperties.BIND_ADDRESS).isEqualTo("127.0.0.1"); // never the wildcard
            assertThat(database.health()).isEqualTo(Health.serving());

            AppServer app1 = new AppServer(AppConfig.of(network, new InetSocketAddress(LabAddressesForTest.APP_1, 8080), "app-1", database.jdbcUrl()));
            AppServer app2 = new AppServer(AppConfig.of(network, new InetSocketAddress(LabAddressesForTest.APP_2, 8080), "app-2", database.jdbcUrl()));
            // Both start at once: their schema migrations race on the same database.
            CompletableFuture<List<BoundAddress>> s1 = app1.start();
            CompletableFuture<List<BoundAddress>> s2 = app2.start();
            InetSocketAddress a1 = network.connectAddress(s1.get(30, TimeUnit.SECONDS).getFirst().labAddress());
            InetSocketAddress a2 = network.connectAddress(s2.get(30, TimeUnit.SECONDS).getFirst().labAddress());
            try (ApiClient c1 = new ApiClient(a1); ApiClient c2 = new ApiClient(a2)) {
                HttpResponse<String> created = c1.post("/users", userJson("Shared", "shared@example.org"));
                assertThat(created.statusCode()).isEqualTo(201);
                assertThat(created.headers().firstValue("x-served-by")).hasValue("app-1");
                long id = json(created).get("id").asLong();
                HttpResponse<String> read = c2.get("/users/" + id);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(read.headers().firstValue("x-served-by")).hasValue("app-2");
                assertThat(json(read).get("name").asText()).isEqualTo("Shared");
                assertThat(c2.put("/users/" + id, userJson("Shared twice", "shared@example.org"), "\"v1\"").statusCode()).isEqualTo(200);
                assertThat(c1.put("/users/" + id, userJson("Stale", "shared@example.org"), "\"v1\"").statusCode()).isEqualTo(412);
                assertThat(userCount(c1)).isEqualTo(Schema.SAMPLE_USERS + 1); // seeded once, not once per app
            } finally {
                app1.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
                app2.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            }
        } finally {
            database.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
        }
        assertThat(database.health().status()).isEqualTo(Health.Status.STOPPED);

        // The same file again: nothing lost, nothing seeded twice.
        Network again = Network.embedded();
        DatabaseServer restarted = new DatabaseServer(new DatabaseConfig(again, DB_LAB, dataDir, "users"));
        restarted.start().get(30, TimeUnit.SECONDS);
        AppServer app3 = new AppServer(AppConfig.of(again, new InetSocketAddress(LabAddressesForTest.APP_1, 8080), "app-3", restarted.jdbcUrl()));
        try {
            InetSocketAddress a3 = again.connectAddress(app3.start().get(30, TimeUnit.SECONDS).getFirst().labAddress());
            try (ApiClient c3 = new ApiClient(a3)) {
                assertThat(userCount(c3)).isEqualTo(Schema.SAMPLE_USERS + 1);
                HttpResponse<String> shared = c3.get("/users/" + (Schema.SAMPLE_USERS + 1));
                assertThat(json(shared).get("name").asText()).isEqualTo("Shared twice");
                assertThat(json(shared).get("version").asLong()).isEqualTo(2);
            }
        } finally {
            app3.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            restarted.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesToBindAnotherAddressOnceH2HasChosen() throws Exception {
        DatabaseServer first = new DatabaseServer(new DatabaseConfig(Network.host(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), dataDir, "first"));
        first.start().get(30, TimeUnit.SECONDS);
        first.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        DatabaseServer other = new DatabaseServer(new DatabaseConfig(Network.host(),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), dataDir, "other"));
        assertThatThrownBy(() -> other.start().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("would bind 127.0.0.1 instead of 127.0.0.2");
        assertThat(other.health().status()).isEqualTo(Health.Status.FAILED);
    }

    /**
     * The database goes away: requests get a JSON 503 (not a hang, not a crash) within the pool
     * timeout and /healthz says so; when the database is back on the same address, the app serves
     * again without a restart.
     */
    @Test
    void databaseOutageIs503AndTheAppRecovers() throws Exception {
        Network network = Network.embedded();
        DatabaseConfig dbConfig = new DatabaseConfig(network, DB_LAB, dataDir, "users");
        DatabaseServer database = new DatabaseServer(dbConfig);
        database.start().get(30, TimeUnit.SECONDS);
        AppConfig config = AppConfig.of(network, new InetSocketAddress(LabAddressesForTest.APP_1, 8080), "app-1", database.jdbcUrl())
                .withPoolSize(2)
                .withLimits(AppConfig.Limits.DEFAULTS.withPoolTimeout(Duration.ofMillis(500)));
        AppServer app = new AppServer(config);
        DatabaseServer restarted = null;
        try (ApiClient client = new ApiClient(network.connectAddress(app.start().get(30, TimeUnit.SECONDS).getFirst().labAddress()))) {
            assertThat(client.get("/users/1").statusCode()).isEqualTo(200);
            database.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);

            HttpResponse<String> down = client.get("/users/1");
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(json(down).get("error").get("code").asText()).isEqualTo("database_unavailable");
            assertThat(down.headers().firstValue("x-served-by")).hasValue("app-1");
            HttpResponse<String> health = client.get("/healthz");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(json(health).get("database").asText()).isEqualTo("down");
            assertThat(app.health().status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(app.health().detail()).startsWith("database failing: ");

            restarted = new DatabaseServer(dbConfig);
            restarted.start().get(30, TimeUnit.SECONDS);
            int status = 0;
            for (int attempt = 0; attempt < 100 && status != 200; attempt++) { // bounded: at most ~10 s
                status = client.get("/users/1").statusCode();
                if (status != 200) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).isEqualTo(200);
            assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(app.health()).isEqualTo(Health.serving());
        } finally {
            app.stop(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            database.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            if (restarted != null) {
                restarted.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int userCount(ApiClient client) {
        return json(client.get("/users?limit=100")).get("users").size()
                + json(client.get("/users?limit=100&cursor=" + json(client.get("/users?limit=100")).get("nextCursor").asText()))
                .get("users").size();
    }

    /** Lab addresses of this test's hosts (198.18.0.0/15). */
    static final class LabAddressesForTest {
        static final InetAddress DB = address("198.18.3.10");
        static final InetAddress APP_1 = address("198.18.2.11");
        static final InetAddress APP_2 = address("198.18.2.12");

        private static InetAddress address(String literal) {
            return dev.roundtrip.core.net.LabAddresses.parse(literal);
        }
    }
}
