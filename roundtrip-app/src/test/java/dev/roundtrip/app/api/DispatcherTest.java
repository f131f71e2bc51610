package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.db.Database;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.app.db.Schema;
import dev.roundtrip.app.db.SchemaMigrator;
import dev.roundtrip.app.users.UserRepository;
import dev.roundtrip.core.timeline.ManualClock;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hand-off to request threads: the in-flight bound and the headers every response carries. */
class DispatcherTest {
    private Database database;
    private UsersApi api;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void openDatabase() throws Exception {
        database = Database.open("jdbc:h2:mem:dispatcher;DB_CLOSE_DELAY=-1", "dispatcher", 2, Duration.ofSeconds(1), clock);
        new SchemaMigrator(Schema.migrations()).migrate(database.dataSource(), JdbcUrls.Kind.H2);
        api = new UsersApi(new UserRepository(database, Clock.systemUTC()), database, AppConfig.Limits.DEFAULTS, ServerLoad.NONE);
    }

    @AfterEach
    void closeDatabase() throws Exception {
        try (var c = database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
        database.close();
    }

    @Test
    void requestsBeyondTheInFlightBoundGet503AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService oneThread = Executors.newSingleThreadExecutor()) {
            oneThread.execute(() -> await(release)); // the only request thread is busy
            Dispatcher dispatcher = new Dispatcher("app-9", api, oneThread, 1, clock);

            CompletableFuture<FullHttpResponse> first = new CompletableFuture<>();
            dispatcher.dispatch(get("/users/1"), clock.nanoTime(), first::complete);
            assertThat(dispatcher.inFlight(1)).isEqualTo(1);
            CompletableFuture<FullHttpResponse> second = new CompletableFuture<>();
            dispatcher.dispatch(get("/users/2"), clock.nanoTime(), second::complete);

            FullHttpResponse rejected = second.getNow(null);
            assertThat(rejected).as("answered without waiting").isNotNull();
            assertThat(rejected.status().code()).isEqualTo(503);
            assertThat(rejected.headers().get("retry-after")).isEqualTo("1");
            assertThat(rejected.content().toString(StandardCharsets.UTF_8)).contains("\"code\":\"overloaded\"");
            rejected.release();

            release.countDown();
            FullHttpResponse served = first.get(10, TimeUnit.SECONDS);
            assertThat(served.status().code()).isEqualTo(200);
            served.release();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (dispatcher.inFlight(1) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // the permit is returned just after the response is handed on
            }
            assertThat(dispatcher.inFlight(1)).isZero();
        }
    }

    @Test
    void everyResponseNamesTheInstanceTimesItselfAndContinuesTheTrace() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Dispatcher dispatcher = new Dispatcher("app-9", api, threads, 10, clock);
            long received = clock.nanoTime();
            clock.advance(Duration.ofMillis(3));
            CompletableFuture<FullHttpResponse> done = new CompletableFuture<>();
            ApiRequest request = new ApiRequest("GET", "/users/1", Map.of(),
                    Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), new byte[0]);
            dispatcher.dispatch(request, received, done::complete);
            FullHttpResponse response = done.get(10, TimeUnit.SECONDS);
            assertThat(response.headers().get("x-served-by")).isEqualTo("app-9");
            // The manual clock stood still during the query: all 3 ms are the app's own, none the database's.
            assertThat(response.headers().get("server-timing")).isEqualTo("app;dur=3.000, db;dur=0.000;desc=\"1 call\", db-pool;dur=0.000");
            assertThat(response.headers().get("traceresponse")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01");
            assertThat(response.headers().get("content-length")).isEqualTo(Integer.toString(response.content().readableBytes()));
            response.release();

            CompletableFuture<FullHttpResponse> deleted = new CompletableFuture<>();
            dispatcher.dispatch(new ApiRequest("DELETE", "/users/3", Map.of(), Map.of(), new byte[0]), received, deleted::complete);
            FullHttpResponse noContent = deleted.get(10, TimeUnit.SECONDS);
            assertThat(noContent.status().code()).isEqualTo(204);
            assertThat(noContent.headers().contains("content-length")).as("RFC 9110: none on 204").isFalse();
            noContent.release();
        }
    }

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", path, Map.of(), Map.of(), new byte[0]);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
