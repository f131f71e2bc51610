package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The balancer proxying HTTP/1.1 to real loopback backends: headers, balancing, failure hiding. */
class ProxyTest implements TransportUnderTest {
    static EdgeConfig config(String yaml) throws Exception {
        return EdgeConfigParser.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), "", null);
    }

    /** A balancer started on {@code config} with this class's {@link #transport()}. */
    EdgeHarness edge(EdgeConfig config) throws Exception {
        return EdgeHarness.on(config, transport());
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> get(HttpClient c, int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proxiesRoundRobinWithForwardingHeadersAndServerTiming() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             EdgeHarness edge = edge(config("""
                     listen: 127.0.0.1:0
                     backends: [%s, %s]
                     access_log: false
                     """.formatted(a.hostPort(), b.hostPort())))) {
            HttpClient c = client();
            Set<String> backends = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = get(c, edge.port("http"), "/users?id=" + i, "X-Forwarded-For", "203.0.113.7");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("hello from ").endsWith("GET /users?id=" + i);
                backends.add(r.headers().firstValue("x-backend").orElseThrow());
                assertThat(r.headers().firstValue("keep-alive")).as("hop-by-hop header from upstream").isEmpty();
                assertThat(r.headers().firstValue("via")).hasValue("1.1 roundtrip");
                List<ServerTiming> timings = ServerTiming.parse(r.headers().allValues("server-timing"));
                assertThat(timings).extracting(ServerTiming::name).containsExactlyInAnyOrder("app", "lb");
                assertThat(timings).filteredOn(t -> t.name().equals("app")).first().extracting(ServerTiming::durationMillis).isEqualTo(1.5);
                assertThat(timings).filteredOn(t -> t.name().equals("lb")).first().extracting(ServerTiming::durationMillis)
                        .satisfies(d -> assertThat((double) d).isGreaterThan(0));
            }
            assertThat(backends).containsExactlyInAnyOrder("a", "b");
            Map<String, String> seen = a.seen().getFirst();
            assertThat(seen.get("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
            assertThat(seen.get("x-forwarded-proto")).isEqualTo("http");
            assertThat(seen.get("x-forwarded-host")).isEqualTo("127.0.0.1:" + edge.port("http"));
            assertThat(seen.get("forwarded")).isEqualTo("for=127.0.0.1;host=\"127.0.0.1:" + edge.port("http") + "\";proto=http");
            assertThat(seen.get("via")).isEqualTo("1.1 roundtrip");
            assertThat(seen.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(seen).doesNotContainKeys("connection", "upgrade", "http2-settings");

            String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            get(c, edge.port("http"), "/trace", "traceparent", tp);
            get(c, edge.port("http"), "/trace", "traceparent", tp);
            assertThat(a.seen().getLast().get("traceparent")).isEqualTo(tp);
            assertThat(b.seen().getLast().get("traceparent")).isEqualTo(tp);
        }
    }

    @Test
    void killingOneOfThreeBackendsMidRunIsInvisibleToGets() throws Exception {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend dead = new TestBackend("c");
        try (a; b; EdgeHarness edge = edge(config("""
                listen: 127.0.0.1:0
                backends: [%s, %s, %s]
                access_log: false
                """.formatted(a.hostPort(), b.hostPort(), dead.hostPort())))) {
            Map<Integer, AtomicInteger> codes = run(edge.port("http"), "GET", 2000, 16, 400, dead);
            assertThat(codes).containsOnlyKeys(200);
            assertThat(codes.get(200).get()).isEqualTo(2000);
            assertThat(dead.requests.get()).isGreaterThan(0);
            assertThat(edge.lb.cluster("default").retries()).isGreaterThan(0);
        }
    }

    @Test
    void killingABackendDuringPostsGives502WithTheCauseNeverAHang() throws Exception {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend dead = new TestBackend("c");
        Map<Integer, List<String>> bodies = new ConcurrentHashMap<>();
        try (a; b; EdgeHarness edge = edge(config("""
                listen: 127.0.0.1:0
                backends: [%s, %s, %s]
                access_log: false
                """.formatted(a.hostPort(), b.hostPort(), dead.hostPort())))) {
            Map<Integer, AtomicInteger> codes = run(edge.port("http"), "POST", 2000, 16, 400, dead, bodies);
            assertThat(codes.keySet()).isSubsetOf(200, 502);
            assertThat(codes.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(2000);
            for (String body : bodies.getOrDefault(502, List.of())) {
                assertThat(body).startsWith("502 Bad Gateway: upstream 127.0.0.1:" + dead.address().getPort())
                        .contains("POST is not idempotent");
            }
        }
    }

    @Test
    void anAnswerTheUpstreamSentBeforeResettingTheConnectionReachesTheClient() throws Exception {
        try (java.net.ServerSocket backend = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                EdgeHarness edge = edge(config("""
                        listen: 127.0.0.1:0
                        backends: [127.0.0.1:%d]
                        access_log: false
                        """.formatted(backend.getLocalPort())))) {
            // Answers 413 after the request's head and closes without reading the body: the
            // unread body makes the upstream's kernel reset the connection.
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = backend.accept()) {
                    ForwardingTest.readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    // the test fails on what the client saw
                }
            });
            HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port("http") + "/upload"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 << 20])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            assertThat(r.body()).isEqualTo("too large");
        }
    }

    static Map<Integer, AtomicInteger> run(int port, String method, int total, int concurrency, int killAfter, TestBackend victim)
            throws Exception {
        return run(port, method, total, concurrency, killAfter, victim, new ConcurrentHashMap<>());
    }

    /** Sends {@code total} requests from {@code concurrency} workers; kills {@code victim} after {@code killAfter}. */
    static Map<Integer, AtomicInteger> run(int port, String method, int total, int concurrency, int killAfter, TestBackend victim,
            Map<Integer, List<String>> bodies) throws Exception {
        HttpClient c = client();
        Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int n;
                    while ((n = sent.incrementAndGet()) <= total) {
                        if (n == killAfter) {
                            victim.kill();
                        }
                        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/r/" + n))
                                .timeout(Duration.ofSeconds(10))
                                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString("order " + n))
                                .build();
                        HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
                        codes.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        if (r.statusCode() != 200) {
                            bodies.computeIfAbsent(r.statusCode(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return codes;
    }

    @Test
    void staleKeepAliveConnectionsAreRetriedForGets() throws Exception {
        try (TestBackend a = new TestBackend("a"); EdgeHarness edge = edge(config("""
                listen: 127.0.0.1:0
                backends: [%s]
                access_log: false
                """.formatted(a.hostPort())))) {
            a.dropSecondRequest = true; // every pooled connection dies under its second request
            HttpClient c = client();
            for (int i = 0; i < 20; i++) {
                assertThat(get(c, edge.port("http"), "/stale/" + i).statusCode()).isEqualTo(200);
            }
            assertThat(a.requests.get()).isEqualTo(20);
            assertThat(edge.lb.cluster("default").staleConnectionRetries()).isGreaterThanOrEqualTo(19);
            assertThat(edge.lb.cluster("default").retriesDeniedByBudget()).isZero();
        }
    }

    @Test
    void cookieHashingSticksEachSessionToOneBackend() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c3 = new TestBackend("c");
             EdgeHarness edge = edge(config("""
                     listen: 127.0.0.1:0
                     backends: [%s, %s, %s]
                     policy: hash:cookie:session
                     access_log: false
                     """.formatted(a.hostPort(), b.hostPort(), c3.hostPort())))) {
            HttpClient c = client();
            Set<String> used = new HashSet<>();
            for (int session = 0; session < 12; session++) {
                Set<String> backends = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    backends.add(get(c, edge.port("http"), "/s", "Cookie", "theme=dark; session=s" + session)
                            .headers().firstValue("x-backend").orElseThrow());
                }
                assertThat(backends).as("session s" + session).hasSize(1);
                used.addAll(backends);
            }
            assertThat(used).hasSizeGreaterThan(1);
        }
    }

    @Test
    void unhealthyBackendIsRemovedAndComesBack() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             EdgeHarness edge = edge(config("""
                     listen: 127.0.0.1:0
                     backends: [%s, %s]
                     health_check: { path: /healthz, interval: 50ms, timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 2 }
                     admin: { address: 127.0.0.1:0 }
                     access_log: false
                     """.formatted(a.hostPort(), b.hostPort())))) {
            HttpClient c = client();
            b.healthStatus = 500;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> edge.lb.clustersText().contains(b.hostPort() + " unhealthy"));
            int before = b.requests.get();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = get(c, edge.port("http"), "/x");
                assertThat(r.headers().firstValue("x-backend")).hasValue("a");
            }
            assertThat(b.requests.get()).isEqualTo(before);
            // A request is counted when its response has been written out, which can be a moment
            // after the client read it.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String metrics = get(c, edge.port("admin"), "/metrics").body();
                assertThat(metrics).contains("roundtrip_lb_upstream_healthy{cluster=\"default\",endpoint=\"" + b.hostPort() + "\"} 0");
                assertThat(metrics).contains("roundtrip_lb_requests_total{listener=\"default\",protocol=\"h1\",route=\"*/\",cluster=\"default\",code=\"200\"} 10");
            });
            b.healthStatus = 200;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> edge.lb.clustersText().contains(b.hostPort() + " healthy"));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                seen.add(get(c, edge.port("http"), "/x").headers().firstValue("x-backend").orElseThrow());
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b");
            assertThat(get(c, edge.port("admin"), "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void noHealthyEndpointGives503AndASlowUpstream504() throws Exception {
        TestBackend gone = new TestBackend("gone");
        gone.kill();
        try (EdgeHarness edge = edge(config("""
                listen: 127.0.0.1:0
                backends: [%s]
                outlier_detection: { consecutive_failures: 3, base_ejection_time: 30s }
                access_log: false
                """.formatted(gone.hostPort())))) {
            HttpClient c = client();
            HttpResponse<String> first = get(c, edge.port("http"), "/");
            assertThat(first.statusCode()).isEqualTo(502);
            assertThat(first.body()).contains("connection refused").contains("gave up after 3 attempts");
            HttpResponse<String> second = get(c, edge.port("http"), "/");
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.body()).contains("no healthy endpoint in cluster default");
        }
        try (TestBackend slow = new TestBackend("slow"); EdgeHarness edge = edge(config("""
                listen: 127.0.0.1:0
                backends: [%s]
                timeouts: { response: 300ms }
                access_log: false
                """.formatted(slow.hostPort())))) {
            slow.stall = true;
            HttpResponse<String> r = get(client(), edge.port("http"), "/slow");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("no response within 300 ms");
        }
    }
}
