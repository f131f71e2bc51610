package dev.roundtrip.edge;

import static dev.roundtrip.edge.ProxyTest.client;
import static dev.roundtrip.edge.ProxyTest.config;
import static dev.roundtrip.edge.ProxyTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Session affinity with a {@code hash:cookie:NAME} cluster: a client without the cookie is given
 * one (as Envoy's cookie hash policy with a generated cookie), comes back to the same backend on
 * every later request while that backend is healthy, moves when its health check fails, and
 * returns when it passes again.
 */
class StickySessionTest {

    @Test
    void aNewClientGetsACookieThatHoldsItsBackendUntilTheHealthCheckFails() throws Exception {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend c = new TestBackend("c");
        Map<String, TestBackend> byName = Map.of("a", a, "b", b, "c", c);
        try (a; b; c; EdgeHarness edge = new EdgeHarness(config("""
                listen: 127.0.0.1:0
                backends: [%s, %s, %s]
                policy: cookie:rt_session
                health_check: { path: /healthz, interval: 50ms, timeout: 500ms, healthy_threshold: 1, unhealthy_threshold: 1 }
                access_log: false
                """.formatted(a.hostPort(), b.hostPort(), c.hostPort())))) {
            HttpClient http = client();
            int port = edge.port("http");
            HttpResponse<String> first = get(http, port, "/cart");
            String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).matches("rt_session=[0-9a-f]{32}; Path=/; HTTPOnly; SameSite=Lax");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String home = first.headers().firstValue("x-backend").orElseThrow();

            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = get(http, port, "/cart", "Cookie", "theme=dark; " + cookie);
                assertThat(r.headers().firstValue("x-backend")).as("request %d", i).hasValue(home);
                assertThat(r.headers().firstValue("set-cookie")).as("no new cookie for a client that has one").isEmpty();
            }

            TestBackend sick = byName.get(home);
            sick.healthStatus = 500;
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.clustersText().contains(sick.hostPort() + " unhealthy"));
            Set<String> moved = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                moved.add(get(http, port, "/cart", "Cookie", cookie).headers().firstValue("x-backend").orElseThrow());
            }
            assertThat(moved).as("one new home while %s is unhealthy", home).hasSize(1).doesNotContain(home);

            sick.healthStatus = 200;
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.lb.clustersText().contains(sick.hostPort() + " healthy"));
            assertThat(get(http, port, "/cart", "Cookie", cookie).headers().firstValue("x-backend")).hasValue(home);
        }
    }

    @Test
    void clientsWithoutTheCookieAreSpreadOverTheBackends() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); EdgeHarness edge = new EdgeHarness(config("""
                listen: 127.0.0.1:0
                backends: [%s, %s]
                policy: cookie:rt_session
                access_log: false
                """.formatted(a.hostPort(), b.hostPort())))) {
            HttpClient http = client();
            Set<String> backends = new HashSet<>();
            Set<String> cookies = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = get(http, edge.port("http"), "/");
                backends.add(r.headers().firstValue("x-backend").orElseThrow());
                cookies.add(r.headers().firstValue("set-cookie").orElseThrow());
            }
            assertThat(cookies).as("a new random cookie each time").hasSize(40);
            assertThat(backends).containsExactlyInAnyOrder("a", "b"); // 40 random keys on two backends: both used but with odds 2^-39
        }
    }
}
