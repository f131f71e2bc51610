package dev.roundtrip.app;

import static dev.roundtrip.app.ApiClient.json;
import static dev.roundtrip.app.ApiClient.userJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.app.db.DatabaseConfig;
import dev.roundtrip.app.db.DatabaseServer;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Health;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app server under a request that cannot finish yet (held back by a row lock another database
 * client holds): beyond its in-flight bound it answers 503 at once, and a graceful stop stops
 * accepting but lets that request finish and answers it before stopping.
 */
class OverloadAndDrainTest {
    @TempDir
    Path dataDir;

    @Test
    void stopLetsTheRequestInFlightFinish() throws Exception {
        Network network = Network.embedded();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatabaseServer database = new DatabaseServer(new DatabaseConfig(network, new InetSocketAddress(loopback, 0), dataDir, "users"));
        database.start().get(30, TimeUnit.SECONDS);
        AppServer app = new AppServer(AppConfig.of(network, new InetSocketAddress(loopback, 0), "app-drain", database.jdbcUrl()));
        InetSocketAddress address = app.start().get(30, TimeUnit.SECONDS).getFirst().real();
        try (ApiClient client = new ApiClient(address);
             Connection holder = DriverManager.getConnection(database.jdbcUrl())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT * FROM users WHERE id = 1 FOR UPDATE").close(); // hold user 1's row lock
            }
            CompletableFuture<HttpResponse<String>> put = CompletableFuture.supplyAsync(() ->
                    client.put("/users/1", userJson("Drained", "ada.lovelace@example.com"), "\"v1\""));
            awaitTrue(() -> app.requestsInFlight() == 1, "the PUT is being served");

            CompletableFuture<Void> stopped = app.stop(Duration.ofSeconds(20));
            awaitTrue(() -> !accepts(address), "no longer accepting");
            assertThat(app.health().status()).isEqualTo(Health.Status.STOPPING);
            assertThat(put).isNotDone();

            holder.commit(); // the lock goes; the PUT completes during the drain
            HttpResponse<String> response = put.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).get("name").asText()).isEqualTo("Drained");
            stopped.get(20, TimeUnit.SECONDS);
            assertThat(app.health().status()).isEqualTo(Health.Status.STOPPED);
        } finally {
            app.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            database.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void requestsBeyondTheInFlightBoundGet503OverHttp() throws Exception {
        Network network = Network.embedded();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatabaseServer database = new DatabaseServer(new DatabaseConfig(network, new InetSocketAddress(loopback, 0), dataDir, "users"));
        database.start().get(30, TimeUnit.SECONDS);
        AppConfig.Limits oneAtATime = new AppConfig.Limits(64 * 1024, 16 * 1024, 8 * 1024, 1, 16, 128, 20, 100,
                Duration.ofSeconds(2), Duration.ofSeconds(60), 100);
        AppServer app = new AppServer(AppConfig.of(network, new InetSocketAddress(loopback, 0), "app-busy", database.jdbcUrl())
                .withLimits(oneAtATime));
        InetSocketAddress address = app.start().get(30, TimeUnit.SECONDS).getFirst().real();
        try (ApiClient client = new ApiClient(address);
             Connection holder = DriverManager.getConnection(database.jdbcUrl())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT * FROM users WHERE id = 1 FOR UPDATE").close();
            }
            CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() ->
                    client.put("/users/1", userJson("Held", "ada.lovelace@example.com"), "\"v1\""));
            awaitTrue(() -> app.requestsInFlight() == 1, "the PUT is being served");

            HttpResponse<String> shed = client.get("/users/2");
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(json(shed).get("error").get("code").asText()).isEqualTo("overloaded");
            assertThat(shed.headers().firstValue("retry-after")).hasValue("1");
            assertThat(shed.headers().firstValue("x-served-by")).hasValue("app-busy");

            holder.commit();
            assertThat(held.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            awaitTrue(() -> app.requestsInFlight() == 0, "the PUT is done");
            assertThat(client.get("/users/2").statusCode()).isEqualTo(200);
        } finally {
            app.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            database.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
