package dev.roundtrip.edge;

import static dev.roundtrip.edge.DrainTest.readResponse;
import static dev.roundtrip.edge.DrainTest.send;
import static dev.roundtrip.edge.DrainTest.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigParser;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload through the admin listener's {@code POST /reload} and {@link LoadBalancer#reload}:
 * endpoints and routes added and removed apply to new requests, requests in flight and connections
 * opened before the reload carry on, an invalid file changes nothing.
 */
class ReloadTest {
    private static final Pattern BACKEND = Pattern.compile("hello from (\\w+) ");

    static String file(String clusters, String routes) {
        return """
                listeners:
                  - name: public
                    address: 127.0.0.1:0
                    routes:
                %s
                clusters:
                %s
                admin: { address: 127.0.0.1:0 }
                access_log: false
                """.formatted(routes.indent(6).stripTrailing(), clusters.indent(2).stripTrailing());
    }

    static HttpResponse<String> postReload(int adminPort) throws Exception {
        return ProxyTest.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code path} on the open connection {@code s}; the name of the backend that answered. */
    static String backendOf(Socket s, String path) throws Exception {
        send(s, "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
        String r = readResponse(s.getInputStream());
        assertThat(r).startsWith("HTTP/1.1 200");
        Matcher m = BACKEND.matcher(r);
        assertThat(m.find()).as(r).isTrue();
        return m.group(1);
    }

    @Test
    void endpointsAndRoutesChangeForNewRequestsWhileConnectionsAndRequestsInFlightCarryOn(@TempDir Path dir) throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b"); TestBackend c = new TestBackend("c")) {
            Path yaml = dir.resolve("lb.yaml");
            Files.writeString(yaml, file("- { name: app, endpoints: [%s, %s] }".formatted(a.hostPort(), b.hostPort()),
                    "- { match: { path_prefix: / }, cluster: app }"));
            try (EdgeHarness edge = new EdgeHarness(EdgeConfigParser.parseFile(yaml))) {
                edge.lb.reloadFrom(() -> EdgeConfigParser.parseFile(yaml));
                int port = edge.port("http");
                Endpoint endpointA = edge.lb.cluster("app").endpoints().getFirst();
                Socket keepAlive = socket(port);
                assertThat(backendOf(keepAlive, "/before")).isIn("a", "b");

                // One request in flight on b (round robin sends one of the two there) when b is removed.
                b.delayMillis = 1500;
                int bSeen = b.requests.get();
                Socket s1 = socket(port);
                Socket s2 = socket(port);
                send(s1, "GET /in-flight HTTP/1.1\r\nHost: a\r\n\r\n");
                send(s2, "GET /in-flight HTTP/1.1\r\nHost: a\r\n\r\n");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (b.requests.get() == bSeen) {
                    assertThat(System.nanoTime() - deadline).as("a request reached b").isNegative();
                    Thread.sleep(5);
                }

                Files.writeString(yaml, file("""
                        - { name: app, endpoints: [%s, %s] }
                        - { name: fresh, endpoints: [%s] }""".formatted(a.hostPort(), c.hostPort(), c.hostPort()), """
                        - { match: { path_prefix: /new }, cluster: fresh }
                        - { match: { path_prefix: / }, cluster: app }"""));
                HttpResponse<String> reload = postReload(edge.port("admin"));
                assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
                assertThat(reload.body()).startsWith("generation 2 applied").contains("endpoints +2 -1");
                int bAtReload = b.requests.get();

                String r1 = readResponse(s1.getInputStream());
                String r2 = readResponse(s2.getInputStream());
                assertThat(r1).startsWith("HTTP/1.1 200");
                assertThat(r2).startsWith("HTTP/1.1 200");
                assertThat(r1 + r2).as("the request in flight on the removed endpoint completes").contains("hello from b ");

                Set<String> answered = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    answered.add(backendOf(keepAlive, "/after/" + i));
                }
                assertThat(answered).as("the connection opened before the reload, balanced over the new endpoints")
                        .containsExactlyInAnyOrder("a", "c");
                assertThat(b.requests.get()).as("no new request reaches the removed endpoint").isEqualTo(bAtReload);
                assertThat(backendOf(keepAlive, "/new/route")).as("the added route").isEqualTo("c");
                assertThat(edge.lb.cluster("app").endpoints().getFirst()).as("an unchanged endpoint keeps its state").isSameAs(endpointA);

                assertThat(edge.lb.generation()).isEqualTo(2);
                assertThat(edge.lb.metricsText()).contains("roundtrip_lb_config_generation 2\n",
                        "roundtrip_lb_config_reloads_total{result=\"success\"} 1\n", "roundtrip_lb_config_reloads_total{result=\"failure\"} 0\n");
                for (Socket s : new Socket[] {keepAlive, s1, s2}) {
                    s.close();
                }
            }
        }
    }

    @Test
    void anInvalidFileOrAnUnbindableListenerChangesNothing(@TempDir Path dir) throws Exception {
        try (TestBackend a = new TestBackend("a"); ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path yaml = dir.resolve("lb.yaml");
            String good = file("- { name: app, endpoints: [%s] }".formatted(a.hostPort()), "- { match: { path_prefix: / }, cluster: app }");
            Files.writeString(yaml, good);
            try (EdgeHarness edge = new EdgeHarness(EdgeConfigParser.parseFile(yaml))) {
                edge.lb.reloadFrom(() -> EdgeConfigParser.parseFile(yaml));
                Socket keepAlive = socket(edge.port("http"));
                assertThat(backendOf(keepAlive, "/")).isEqualTo("a");

                Files.writeString(yaml, good.replace("{ name: app, endpoints", "{ name: app, policy: fastest, endpoints"));
                HttpResponse<String> bad = postReload(edge.port("admin"));
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("clusters[0].policy", "'fastest'", "allowed:");
                assertThat(backendOf(keepAlive, "/still")).as("the old configuration keeps serving").isEqualTo("a");

                Files.writeString(yaml, good.replace("listeners:", """
                        listeners:
                          - name: second
                            address: 127.0.0.1:%d
                            routes: [{ match: { path_prefix: / }, cluster: app }]""".formatted(taken.getLocalPort())));
                HttpResponse<String> unbindable = postReload(edge.port("admin"));
                assertThat(unbindable.statusCode()).isEqualTo(400);
                assertThat(unbindable.body()).contains("listener second cannot bind", "address already in use");
                assertThat(edge.lb.listening()).containsOnlyKeys("public");

                assertThat(edge.lb.generation()).isEqualTo(1);
                assertThat(backendOf(keepAlive, "/still")).isEqualTo("a");
                assertThat(edge.lb.metricsText()).contains("roundtrip_lb_config_reloads_total{result=\"failure\"} 2\n");
                keepAlive.close();
            }
        }
    }

    @Test
    void aRemovedListenerDrainsAndAnAddedOneServes() throws Exception {
        try (TestBackend a = new TestBackend("a")) {
            String cluster = "- { name: app, endpoints: [%s] }".formatted(a.hostPort());
            String route = "- { match: { path_prefix: / }, cluster: app }";
            EdgeConfig first = ProxyTest.config(file(cluster, route));
            EdgeConfig second = ProxyTest.config(file(cluster, route).replace("name: public", "name: second"));
            try (EdgeHarness edge = new EdgeHarness(first)) {
                int oldPort = edge.port("http");
                Socket idle = socket(oldPort);
                assertThat(backendOf(idle, "/")).isEqualTo("a");

                ReloadResult result = edge.lb.reload(second).get(20, TimeUnit.SECONDS);
                assertThat(result.outcome()).as(result.message()).isEqualTo(ReloadResult.Outcome.APPLIED);
                assertThat(result.message()).contains("listeners +1 -1");

                int newPort = edge.lb.listening().get("second").real().getPort();
                try (Socket fresh = socket(newPort)) {
                    assertThat(backendOf(fresh, "/")).isEqualTo("a");
                }
                assertThat(idle.getInputStream().read()).as("idle connection of the removed listener closed").isEqualTo(-1);
                assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", oldPort), 2000))
                        .isInstanceOf(ConnectException.class);
                idle.close();
            }
        }
    }

    @Test
    void aKeptTlsListenerServesTheRotatedCertificateToNewConnections(@TempDir Path dir) throws Exception {
        dev.roundtrip.tls.LocalCa ca = dev.roundtrip.tls.LocalCa.loadOrCreate(dir.resolve("ca"));
        Path cert = dir.resolve("lb.pem");
        Path key = dir.resolve("lb-key.pem");
        ca.issue(java.util.List.of("localhost")).writePem(cert, key);
        try (TestBackend a = new TestBackend("a")) {
            EdgeConfig config = ProxyTest.config("""
                    listeners:
                      - name: public
                        address: 127.0.0.1:0
                        tls: { certificates: [ { names: [localhost], cert: %s, key: %s } ] }
                        routes: [{ match: { path_prefix: / }, cluster: app }]
                    clusters: [{ name: app, endpoints: [%s] }]
                    access_log: false
                    """.formatted(cert, key, a.hostPort()));
            try (EdgeHarness edge = new EdgeHarness(config)) {
                int port = edge.port("https");
                javax.net.ssl.SSLSocketFactory factory = dev.roundtrip.tls.TlsContexts.jdkClient(java.util.List.of(ca.certificate())).getSocketFactory();
                javax.net.ssl.SSLSocket before = (javax.net.ssl.SSLSocket) factory.createSocket("127.0.0.1", port);
                before.setSoTimeout(5000);
                javax.net.ssl.SSLParameters sni = before.getSSLParameters();
                sni.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
                before.setSSLParameters(sni);
                assertThat(backendOf(before, "/")).isEqualTo("a");
                var first = before.getSession().getPeerCertificates()[0];

                ca.issue(java.util.List.of("localhost", "127.0.0.1")).writePem(cert, key); // other names: a new certificate
                ReloadResult result = edge.lb.reload(config).get(20, TimeUnit.SECONDS);
                assertThat(result.outcome()).as(result.message()).isEqualTo(ReloadResult.Outcome.APPLIED);

                // A fresh client context: no TLS session to resume, a full handshake.
                javax.net.ssl.SSLSocketFactory fresh = dev.roundtrip.tls.TlsContexts.jdkClient(java.util.List.of(ca.certificate())).getSocketFactory();
                try (javax.net.ssl.SSLSocket after = (javax.net.ssl.SSLSocket) fresh.createSocket("127.0.0.1", port)) {
                    after.setSoTimeout(5000);
                    after.setSSLParameters(sni);
                    assertThat(backendOf(after, "/")).isEqualTo("a");
                    assertThat(after.getSession().getPeerCertificates()[0]).as("new connections get the new certificate").isNotEqualTo(first);
                }
                assertThat(backendOf(before, "/again")).as("the connection opened before the rotation carries on").isEqualTo("a");
                before.close();
            }
        }
    }

    @Test
    void thePlanKeepsSocketsAndEndpointsThatDidNotChange() throws Exception {
        String cluster = "- { name: app, endpoints: [127.0.0.1:9001] }";
        String route = "- { match: { path_prefix: / }, cluster: app }";
        EdgeConfig running = ProxyTest.config(file(cluster, route).replace("127.0.0.1:0", "127.0.0.1:8080"));
        EdgeConfig routesOnly = ProxyTest.config(file(cluster, route.replace("path_prefix: /", "path_prefix: /v2")).replace("127.0.0.1:0", "127.0.0.1:8080"));
        ReloadPlan same = ReloadPlan.of(running, routesOnly);
        assertThat(same.kept()).extracting(l -> l.name()).containsExactly("public");
        assertThat(same.bindFirst()).isEmpty();
        assertThat(same.removed()).isEmpty();
        assertThat(same.restartOnly()).isEmpty();

        EdgeConfig tls = ProxyTest.config(file(cluster, route).replace("127.0.0.1:0", "127.0.0.1:8080")
                .replace("    address: 127.0.0.1:8080", "    address: 127.0.0.1:8080\n    tls: true").replace("access_log: false", "access_log: true"));
        ReloadPlan rebind = ReloadPlan.of(running, tls);
        assertThat(rebind.kept()).isEmpty();
        assertThat(rebind.removed()).extracting(l -> l.name()).containsExactly("public");
        assertThat(rebind.bindFirst()).as("same port: bound after the old socket closes").isEmpty();
        assertThat(rebind.bindAfterRemoval()).extracting(l -> l.name()).containsExactly("public");
        assertThat(rebind.restartOnly()).containsExactly("access_log");
        assertThat(ReloadPlan.of(running, running.withTransport(java.util.Optional.of(dev.roundtrip.http.Transport.NIO))).restartOnly())
                .containsExactly("transport");

        var app = running.cluster("app");
        assertThat(ReloadPlan.keepsEndpoints(app, app.withResponseTimeout(Duration.ofSeconds(1)))).isTrue();
        assertThat(ReloadPlan.keepsEndpoints(app, app.withHealthCheck(dev.roundtrip.edge.config.HealthCheckConfig.of("/healthz")))).isFalse();
        assertThat(ReloadPlan.keepsEndpoints(app, app.withPool(new dev.roundtrip.http.client.PoolSettings(1, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1024)))).isFalse();
    }
}
