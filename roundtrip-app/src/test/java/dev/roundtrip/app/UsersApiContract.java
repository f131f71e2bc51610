package dev.roundtrip.app;

import static dev.roundtrip.app.ApiClient.json;
import static dev.roundtrip.app.ApiClient.userJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.app.db.Schema;
import dev.roundtrip.core.timeline.ServerTiming;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code /users} API over real HTTP against a real database: CRUD, every error, pagination
 * under concurrent inserts, optimistic concurrency under 32 writers, timing and trace headers.
 * Each database the app supports runs this same suite through a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsersApiContract {
    private static final AtomicLong EMAILS = new AtomicLong();
    private final String runId = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    RunningApp app;
    ApiClient client;

    /**
     * A JDBC URL of an empty database (schema and sample users are the app's job), or null when
     * this database is not available here; {@link #unavailableReason()} then says why.
     */
    abstract String openDatabase() throws Exception;

    abstract void closeDatabase() throws Exception;

    /** Why {@link #openDatabase()} returned null, shown on every skipped test. */
    String unavailableReason() {
        return "database not available";
    }

    @BeforeAll
    void startApp() throws Exception {
        String url = openDatabase();
        if (url == null) {
            return;
        }
        app = RunningApp.start("app-test", url);
        client = new ApiClient(app.address());
    }

    @BeforeEach
    void requireDatabase() {
        assumeTrue(app != null, unavailableReason()); // each test reports itself skipped, with the reason
    }

    @AfterAll
    void stopApp() throws Exception {
        if (client != null) {
            client.close();
        }
        if (app != null) {
            app.close();
        }
        closeDatabase();
    }

    String uniqueEmail(String who) {
        return who + "." + runId + "." + EMAILS.incrementAndGet() + "@example.org";
    }

    JsonNode create(String name) {
        HttpResponse<String> r = client.post("/users", userJson(name, uniqueEmail("u")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r);
    }

    @Test
    void newDatabaseIsSeededWithSampleUsers() {
        HttpResponse<String> r = client.get("/users/1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(json(r).get("email").asText()).isEqualTo("ada.lovelace@example.com");

        JsonNode page = json(client.get("/users?limit=100"));
        List<String> emails = new ArrayList<>();
        page.get("users").forEach(u -> emails.add(u.get("email").asText()));
        assertThat(emails).hasSize(Schema.SAMPLE_USERS).allMatch(e -> e.endsWith("@example.com")).doesNotHaveDuplicates();
    }

    @Test
    void createReadUpdateDelete() {
        String email = uniqueEmail("grace");
        HttpResponse<String> created = client.post("/users", userJson("  Grace Hopper ", email.toUpperCase()));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode user = json(created);
        long id = user.get("id").asLong();
        assertThat(created.headers().firstValue("location")).hasValue("/users/" + id);
        assertThat(created.headers().firstValue("etag")).hasValue("\"v1\"");
        assertThat(created.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(user.get("name").asText()).isEqualTo("Grace Hopper");
        assertThat(user.get("email").asText()).isEqualTo(email);
        assertThat(user.get("version").asLong()).isEqualTo(1);

        HttpResponse<String> read = client.get("/users/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(user);
        assertThat(read.headers().firstValue("etag")).hasValue("\"v1\"");

        HttpResponse<String> updated = client.put("/users/" + id, userJson("Grace B. Hopper", email), "\"v1\"");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(updated.headers().firstValue("etag")).hasValue("\"v2\"");
        assertThat(json(updated).get("version").asLong()).isEqualTo(2);
        assertThat(json(client.get("/users/" + id)).get("name").asText()).isEqualTo("Grace B. Hopper");

        HttpResponse<String> notModified = client.send(client.request("/users/" + id).header("if-none-match", "\"v2\"").GET().build());
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();

        HttpResponse<String> head = client.send(client.request("/users/" + id).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("etag")).hasValue("\"v2\"");

        HttpResponse<String> deleted = client.delete("/users/" + id, "\"v2\"");
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertError(client.get("/users/" + id), 404, "not_found");
        assertError(client.delete("/users/" + id, null), 404, "not_found");
    }

    @Test
    void invalidBodiesAre400WithTheFieldNamed() {
        assertError(client.post("/users", "{\"name\": "), 400, "invalid_json");
        assertError(client.post("/users", "[1, 2]"), 400, "invalid_json");
        assertError(client.post("/users", ""), 400, "invalid_json");
        assertError(client.post("/users", "{\"name\":\"a\",\"name\":\"b\",\"email\":\"a@b.example\"}"), 400, "invalid_json");
        assertInvalidField(client.post("/users", "{\"name\":\"A\",\"email\":\"a@b.example\",\"admin\":true}"), "admin");
        HttpResponse<String> hostileField = client.post("/users", "{\"a\\r\\nX-Evil: 1\":1}");
        assertError(hostileField, 400, "invalid_field");
        assertThat(hostileField.headers().map()).doesNotContainKey("x-evil").doesNotContainKey("x-invalid-field");
        assertInvalidField(client.post("/users", "{\"email\":\"" + uniqueEmail("x") + "\"}"), "name");
        assertInvalidField(client.post("/users", "{\"name\":\"  \",\"email\":\"" + uniqueEmail("x") + "\"}"), "name");
        assertInvalidField(client.post("/users", "{\"name\":42,\"email\":\"" + uniqueEmail("x") + "\"}"), "name");
        assertInvalidField(client.post("/users", userJson("x".repeat(201), uniqueEmail("x"))), "name");
        assertInvalidField(client.post("/users", userJson("Tab\tName", uniqueEmail("x"))), "name");
        assertInvalidField(client.post("/users", userJson("No Email", null)), "email");
        assertInvalidField(client.post("/users", userJson("Bad Email", "not-an-address")), "email");
        assertInvalidField(client.post("/users", userJson("Bad Email", "a@nodot")), "email");
        long id = create("Valid").get("id").asLong();
        assertInvalidField(client.put("/users/" + id, userJson("Valid", "nope"), "\"v1\""), "email");
        assertThat(json(client.get("/users/" + id)).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void wrongMediaTypeIs415() {
        HttpRequest textPlain = client.request("/users").header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(userJson("T", uniqueEmail("t")))).build();
        assertError(client.send(textPlain), 415, "unsupported_media_type");
        HttpRequest none = client.request("/users").POST(HttpRequest.BodyPublishers.ofString(userJson("T", uniqueEmail("t")))).build();
        assertError(client.send(none), 415, "unsupported_media_type");
        HttpRequest withCharset = client.request("/users").header("content-type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(userJson("T", uniqueEmail("t")))).build();
        assertThat(client.send(withCharset).statusCode()).isEqualTo(201);
    }

    @Test
    void oversizedBodyIs413() {
        String big = userJson("x".repeat(70 * 1024), uniqueEmail("big"));
        assertError(client.post("/users", big), 413, "body_too_large");
        assertThat(client.get("/users/1").statusCode()).isEqualTo(200); // the server goes on serving
    }

    @Test
    void unknownPathsAndIdsAre404() {
        assertError(client.get("/users/999999999"), 404, "not_found");
        assertError(client.get("/users/abc"), 404, "not_found");
        assertError(client.get("/users/-1"), 404, "not_found");
        assertError(client.get("/users/"), 404, "not_found");
        assertError(client.get("/nope"), 404, "not_found");
        assertError(client.put("/users/999999999", userJson("Nobody", uniqueEmail("n")), "\"v1\""), 404, "not_found");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        HttpResponse<String> r = client.delete("/users", null);
        assertError(r, 405, "method_not_allowed");
        assertThat(r.headers().firstValue("allow")).hasValue("GET, HEAD, POST");
        HttpResponse<String> patch = client.send(client.request("/users/1").method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build());
        assertError(patch, 405, "method_not_allowed");
        assertThat(patch.headers().firstValue("allow")).hasValue("GET, HEAD, PUT, DELETE");
        assertError(client.post("/healthz", "{}"), 405, "method_not_allowed");
    }

    @Test
    void duplicateEmailIs409IgnoringCase() {
        String email = uniqueEmail("dup");
        assertThat(client.post("/users", userJson("First", email)).statusCode()).isEqualTo(201);
        assertError(client.post("/users", userJson("Second", email.toUpperCase())), 409, "duplicate_email");
        long other = create("Other").get("id").asLong();
        assertError(client.put("/users/" + other, userJson("Other", email), "\"v1\""), 409, "duplicate_email");
        assertThat(json(client.get("/users/" + other)).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void preconditions() {
        long id = create("Cond").get("id").asLong();
        String email = json(client.get("/users/" + id)).get("email").asText();
        assertError(client.put("/users/" + id, userJson("No If-Match", email), null), 428, "precondition_required");
        HttpResponse<String> stale = client.put("/users/" + id, userJson("Stale", email), "\"v7\"");
        assertError(stale, 412, "precondition_failed");
        assertThat(stale.headers().firstValue("etag")).hasValue("\"v1\"");
        assertError(client.put("/users/" + id, userJson("Weak", email), "W/\"v1\""), 412, "precondition_failed");
        assertError(client.put("/users/" + id, userJson("Garbage", email), "v1"), 400, "invalid_header");
        assertThat(client.put("/users/" + id, userJson("Any", email), "*").statusCode()).isEqualTo(200);
        assertError(client.delete("/users/" + id, "\"v1\""), 412, "precondition_failed");
        assertThat(client.delete("/users/" + id, "\"v2\"").statusCode()).isEqualTo(204);
    }

    @Test
    void pageLimitsAndCursorsAreChecked() {
        assertError(client.get("/users?limit=0"), 400, "invalid_query");
        assertError(client.get("/users?limit=101"), 400, "invalid_query");
        assertError(client.get("/users?limit=abc"), 400, "invalid_query");
        assertError(client.get("/users?limit=5&limit=6"), 400, "invalid_query");
        assertError(client.get("/users?cursor=nope"), 400, "invalid_query");
        assertError(client.get("/users?cursor=dTox%21"), 400, "invalid_query");
        JsonNode first = json(client.get("/users"));
        assertThat(first.get("users")).hasSize(20);
        HttpResponse<String> page = client.get("/users?limit=3");
        String next = json(page).get("nextCursor").asText();
        assertThat(page.headers().firstValue("link")).hasValue("</users?limit=3&cursor=" + next + ">; rel=\"next\"");
        JsonNode second = json(client.get("/users?limit=3&cursor=" + next));
        assertThat(second.get("users").get(0).get("id").asLong()).isGreaterThan(json(page).get("users").get(2).get("id").asLong());
    }

    @Test
    void paginationIsStableUnderConcurrentInserts() throws Exception {
        Set<Long> before = new HashSet<>();
        walk(5).forEach(before::add);
        AtomicBoolean walking = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = writers.submit(() -> {
                for (int i = 0; i < 200 && walking.get(); i++) {
                    create("Concurrent " + i);
                    inserted.incrementAndGet();
                }
            });
            List<Long> seen = walk(7);
            walking.set(false);
            writer.get(60, TimeUnit.SECONDS);
            assertThat(seen).doesNotHaveDuplicates().isSorted();
            assertThat(seen).containsAll(before);
            assertThat(inserted.get()).isPositive();
        }
    }

    /** Walks every page of /users and returns the ids in the order served. */
    List<Long> walk(int limit) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 10_000; pages++) {
            HttpResponse<String> r = client.get("/users?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = json(r);
            assertThat(page.get("users").size()).isLessThanOrEqualTo(limit);
            page.get("users").forEach(u -> ids.add(u.get("id").asLong()));
            if (page.get("nextCursor").isNull()) {
                return ids;
            }
            cursor = page.get("nextCursor").asText();
        }
        throw new AssertionError("pagination did not end");
    }

    /**
     * 32 writers read a counter (the user's name) and write it back plus one, with If-Match. The
     * first round is synchronised so that all 32 read the same version: exactly one wins it and 31
     * get 412. Then they race freely. No lost update: the final counter equals the number of
     * successful writes, and so does the version.
     */
    @Test
    void concurrentWritersLoseNoUpdate() throws Exception {
        int writers = 32;
        int rounds = 4;
        JsonNode user = create("counter-0");
        long id = user.get("id").asLong();
        String email = user.get("email").asText();
        CyclicBarrier firstRead = new CyclicBarrier(writers);
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger firstRoundWins = new AtomicInteger();
        Map<Integer, Integer> otherStatuses = new java.util.concurrent.ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers);
             ApiClient h2 = new ApiClient(app.address(), HttpClient.Version.HTTP_2)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                ApiClient c = w % 2 == 0 ? client : h2;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        HttpResponse<String> read = c.get("/users/" + id);
                        String etag = read.headers().firstValue("etag").orElseThrow();
                        int counter = Integer.parseInt(json(read).get("name").asText().substring("counter-".length()));
                        if (round == 0) {
                            firstRead.await(30, TimeUnit.SECONDS);
                        }
                        HttpResponse<String> write = c.put("/users/" + id, userJson("counter-" + (counter + 1), email), etag);
                        switch (write.statusCode()) {
                            case 200 -> {
                                successes.incrementAndGet();
                                if (round == 0) {
                                    firstRoundWins.incrementAndGet();
                                }
                            }
                            case 412 -> conflicts.incrementAndGet();
                            default -> otherStatuses.merge(write.statusCode(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        JsonNode last = json(client.get("/users/" + id));
        assertThat(otherStatuses).isEmpty();
        assertThat(firstRoundWins.get()).isEqualTo(1);
        assertThat(successes.get() + conflicts.get()).isEqualTo(writers * rounds);
        assertThat(conflicts.get()).isGreaterThanOrEqualTo(writers - 1);
        assertThat(last.get("name").asText()).isEqualTo("counter-" + successes.get());
        assertThat(last.get("version").asLong()).isEqualTo(1 + successes.get());
    }

    @Test
    void everyResponseNamesTheInstanceAndCarriesServerTiming() {
        for (HttpResponse<String> r : List.of(client.get("/users/1"), client.get("/nope"), client.post("/users", "{"),
                client.get("/users?limit=5"), client.get("/healthz"))) {
            assertThat(r.headers().firstValue("x-served-by")).as(r.uri().toString()).hasValue("app-test");
            Map<String, ServerTiming> timing = new LinkedHashMap<>();
            ServerTiming.parse(r.headers().allValues("server-timing")).forEach(t -> timing.put(t.name(), t));
            assertThat(timing).containsOnlyKeys("app", "db", "db-pool");
            double app = timing.get("app").durationMillis();
            double db = timing.get("db").durationMillis();
            double pool = timing.get("db-pool").durationMillis();
            assertThat(app).isGreaterThan(0);
            assertThat(db).isGreaterThanOrEqualTo(0);
            assertThat(pool).isGreaterThanOrEqualTo(0);
            assertThat(db + pool).isLessThanOrEqualTo(app);
        }
        assertThat(durationOf(client.get("/users/1"), "db")).isGreaterThan(0);   // it did query
        assertThat(durationOf(client.get("/nope"), "db")).isZero();               // it did not
    }

    private static double durationOf(HttpResponse<String> r, String metric) {
        return ServerTiming.parse(r.headers().allValues("server-timing")).stream()
                .filter(t -> t.name().equals(metric)).findFirst().orElseThrow().durationMillis();
    }

    @Test
    void traceparentIsContinued() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> r = client.send(client.request("/users/1")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").GET().build());
        String response = r.headers().firstValue("traceresponse").orElseThrow();
        assertThat(response).matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");

        HttpResponse<String> invalid = client.send(client.request("/users/1")
                .header("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01").GET().build());
        assertThat(invalid.statusCode()).isEqualTo(200);
        assertThat(invalid.headers().firstValue("traceresponse").orElseThrow()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00")
                .doesNotContain("00000000000000000000000000000000");
    }

    @Test
    void healthzChecksTheDatabase() {
        HttpResponse<String> r = client.get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("database").asText()).isEqualTo("up");
        assertThat(json(r).get("connections").asText()).matches("[1-9][0-9]*/10000");
        assertThat(json(r).get("requestsInFlight").asText()).matches("[1-9][0-9]*/1024"); // this request counts itself
    }

    @Test
    void http2CleartextUpgradeServesTheSameApi() {
        try (ApiClient h2 = new ApiClient(app.address(), HttpClient.Version.HTTP_2)) {
            HttpResponse<String> r = h2.get("/users/1");
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("name").asText()).isEqualTo("Ada Lovelace");
            HttpResponse<String> created = h2.post("/users", userJson("Over H2", uniqueEmail("h2")));
            assertThat(created.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(created.statusCode()).isEqualTo(201);
            assertError(h2.get("/users/abc"), 404, "not_found");
            assertError(h2.post("/users", userJson("x".repeat(70 * 1024), uniqueEmail("big"))), 413, "body_too_large");
            assertThat(h2.get("/users/2").headers().firstValue("x-served-by")).hasValue("app-test");
        }
    }

    static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + " -> " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(r.headers().firstValue("x-served-by")).isPresent();
        assertThat(r.headers().firstValue("server-timing")).isPresent();
    }

    static void assertInvalidField(HttpResponse<String> r, String field) {
        assertError(r, 400, "invalid_field");
        assertThat(r.headers().firstValue("x-invalid-field")).hasValue(field);
    }
}
