package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Forwarding details: lab addresses on the embedded network, IPv6 clients, headers named by Connection. */
class ForwardingTest {

    @Test
    void labAddressesOnTheEmbeddedNetwork() throws Exception {
        Network network = Network.embedded();
        InetSocketAddress labApp = new InetSocketAddress("198.18.2.10", 8080);
        InetSocketAddress labLb = new InetSocketAddress("198.18.1.5", 80);
        try (TestBackend app = new TestBackend("app", network.bindAddress(labApp))) {
            LoadBalancer lb = new LoadBalancer("lb", ProxyTest.config("""
                    listen: 198.18.1.5:80
                    backends: [198.18.2.10:8080]
                    access_log: false
                    """), network, MonotonicClock.SYSTEM);
            List<BoundAddress> bound = lb.start().get(10, TimeUnit.SECONDS);
            try {
                assertThat(bound).hasSize(1);
                assertThat(bound.getFirst().labAddress()).isEqualTo(labLb);
                assertThat(bound.getFirst().real().getAddress().isLoopbackAddress()).isTrue();
                var r = ProxyTest.get(ProxyTest.client(), bound.getFirst().real().getPort(), "/users");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello from app GET /users");
            } finally {
                lb.stop(Duration.ofMillis(100)).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void ipv6ClientAndHeadersNamedByConnectionAreHandled() throws Exception {
        try (TestBackend a = new TestBackend("a"); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                listen: "[::1]:0"
                backends: [%s]
                access_log: false
                """.formatted(a.hostPort())))) {
            try (Socket s = new Socket("::1", edge.port("http"))) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(("GET http://api.example.com/abs?q=1 HTTP/1.1\r\nHost: api.example.com\r\n"
                        + "Connection: keep-alive, X-Secret\r\nX-Secret: token\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                        + "Proxy-Authorization: Basic eA==\r\nVia: 1.0 corp-proxy\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(s.getInputStream());
                assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("via: 1.1 roundtrip");
            }
            Map<String, String> seen = a.seen().getFirst();
            assertThat(seen.get(":uri")).isEqualTo("/abs?q=1");
            assertThat(seen.get("forwarded")).isEqualTo("for=\"[::1]\";host=api.example.com;proto=http");
            assertThat(seen.get("x-forwarded-for")).isEqualTo("::1");
            assertThat(seen.get("via")).isEqualTo("1.0 corp-proxy, 1.1 roundtrip");
            assertThat(seen).doesNotContainKeys("x-secret", "keep-alive", "te", "proxy-authorization", "connection");
        }
    }

    @Test
    void aListenerAddsTheHeadersItNamesAndAReloadChangesThemForTheNextRequest() throws Exception {
        try (TestBackend a = new TestBackend("a")) {
            String yaml = """
                    listeners: [ { name: web, address: 127.0.0.1:0, add_headers: %s } ]
                    clusters: [ { name: app, endpoints: [%s] } ]
                    access_log: false
                    """;
            String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            try (EdgeHarness edge = new EdgeHarness(ProxyTest.config(yaml.formatted("none", a.hostPort())));
                    Socket s = new Socket("127.0.0.1", edge.port("http"))) {
                s.setSoTimeout(5000);
                String request = "GET /x HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 198.18.0.99\r\ntraceparent: " + tp
                        + "\r\nConnection: keep-alive\r\n\r\n";
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s.getInputStream());
                assertThat(head).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("via:").doesNotContain("lb;dur=")
                        .containsIgnoringCase("server-timing: app"); // the upstream's own entry passes
                Map<String, String> seen = a.seen().getLast();
                assertThat(seen).doesNotContainKeys("x-forwarded-proto", "x-forwarded-host", "forwarded", "via", "connection")
                        .containsEntry("x-forwarded-for", "198.18.0.99").containsEntry("traceparent", tp);
                readBody(s.getInputStream(), head);

                ReloadResult result = edge.lb.reload(ProxyTest.config(yaml.formatted("[x-forwarded-for, via, server-timing]", a.hostPort())))
                        .get(20, TimeUnit.SECONDS);
                assertThat(result.outcome()).as(result.message()).isEqualTo(ReloadResult.Outcome.APPLIED);
                s.getOutputStream().write(request.replace(tp, "malformed").getBytes(StandardCharsets.US_ASCII));
                head = readHead(s.getInputStream());
                assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("via: 1.1 roundtrip").contains("lb;dur=");
                seen = a.seen().getLast();
                assertThat(seen).doesNotContainKeys("x-forwarded-proto", "x-forwarded-host", "forwarded")
                        .containsEntry("x-forwarded-for", "198.18.0.99, 127.0.0.1").containsEntry("via", "1.1 roundtrip")
                        .containsEntry("traceparent", "malformed"); // not started or repaired: traceparent is not named
            }
        }
    }

    @Test
    void stopDrainsRequestsInFlight() throws Exception {
        try (TestBackend a = new TestBackend("a")) {
            a.delayMillis = 500;
            LoadBalancer lb = new LoadBalancer("lb", ProxyTest.config("""
                    listen: 127.0.0.1:0
                    backends: [%s]
                    access_log: false
                    """.formatted(a.hostPort())), Network.embedded(), MonotonicClock.SYSTEM);
            int port = lb.start().get(10, TimeUnit.SECONDS).getFirst().real().getPort();
            var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return ProxyTest.get(ProxyTest.client(), port, "/slow").statusCode();
                } catch (Exception e) {
                    return -1;
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.seen().size() == 1);
            var stopped = lb.stop(Duration.ofSeconds(5));
            assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(200);
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(lb.health().status()).isEqualTo(dev.roundtrip.core.service.Health.Status.STOPPED);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void headKeepsTheUpstreamContentLength() throws Exception {
        try (TestBackend a = new TestBackend("a"); EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                access_log: false
                """.formatted(a.hostPort())))) {
            var c = ProxyTest.client();
            var get = ProxyTest.get(c, edge.port("http"), "/same");
            var head = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.port("http") + "/same"))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(get.body().replace("GET", "HEAD").length()));
            // The connection is still in step after the bodiless answer.
            assertThat(ProxyTest.get(c, edge.port("http"), "/after").body()).isEqualTo("hello from a GET /after");
        }
    }

    @Test
    void aListenerThatCannotBindFailsTheStartAndLeavesNothingListening() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int adminPort = probe.getLocalPort();
            probe.close();
            LoadBalancer lb = new LoadBalancer("lb", ProxyTest.config("""
                    listen: 127.0.0.1:%d
                    backends: [127.0.0.1:9]
                    admin: { address: 127.0.0.1:%d }
                    """.formatted(taken.getLocalPort(), adminPort)), Network.embedded(), MonotonicClock.SYSTEM);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> lb.start().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.net.BindException.class);
            assertThat(lb.health().status()).isEqualTo(dev.roundtrip.core.service.Health.Status.FAILED);
            lb.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
            try (java.net.ServerSocket again = new java.net.ServerSocket(adminPort, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).as("admin port released").isEqualTo(adminPort);
            }
        }
    }

    @Test
    void aBodilessGetGoesUpWithoutContentLengthAndAPostKeepsItsOwn() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                        listen: 127.0.0.1:0
                        backends: [127.0.0.1:%d]
                        access_log: false
                        """.formatted(backend.getLocalPort())))) {
            Thread.ofVirtual().start(() -> rawBackend(backend, heads));
            HttpClient client = ProxyTest.client();
            assertThat(ProxyTest.get(client, edge.port("http"), "/page").statusCode()).isEqualTo(200);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port("http") + "/form"))
                    .POST(HttpRequest.BodyPublishers.ofString("abc")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(200);
        }
        assertThat(heads).hasSize(2);
        assertThat(heads.get(0)).startsWith("GET /page HTTP/1.1\r\n").doesNotContainIgnoringCase("content-length");
        assertThat(heads.get(1)).startsWith("POST /form HTTP/1.1\r\n").containsIgnoringCase("content-length: 3\r\n");
    }

    /** Answers every request on every connection with 200 "ok", recording each request head as it came. */
    private static void rawBackend(ServerSocket server, List<String> heads) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        while (true) {
                            String head = readHead(in);
                            if (!head.endsWith("\r\n\r\n")) {
                                return;
                            }
                            heads.add(head);
                            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
                            in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
                            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (java.io.IOException e) {
                        // the balancer closed its pooled connection
                    }
                });
            } catch (java.io.IOException e) {
                return; // closed at the end of the test
            }
        }
    }

    static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    /** Reads the body that {@code head}'s Content-Length announces. */
    static String readBody(InputStream in, String head) throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(m.find()).as(head).isTrue();
        return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII);
    }
}
