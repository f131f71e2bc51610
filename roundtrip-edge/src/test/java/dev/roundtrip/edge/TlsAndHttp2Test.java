package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients we did not write (curl, the JDK's HTTP/2 client) through the balancer: HTTP/1.1 and HTTP/2 over TLS (SNI, ALPN) and h2c. */
class TlsAndHttp2Test implements TransportUnderTest {
    EdgeHarness edge(dev.roundtrip.edge.config.EdgeConfig config) throws Exception {
        return EdgeHarness.on(config, transport());
    }

    @TempDir
    static Path caDir;


    record Result(int exitCode, String out) {}

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    static Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-D", "-"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    @Test
    void killingABackendIsInvisibleToHttp2ClientsOverTls() throws Exception {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend dead = new TestBackend("c");
        try (a; b; EdgeHarness edge = edge(ProxyTest.config("""
                listen: 127.0.0.1:0
                tls: { certificates: [ { names: [localhost] } ], ca_dir: %s }
                backends: [%s, %s, %s]
                access_log: false
                """.formatted(caDir, a.hostPort(), b.hostPort(), dead.hostPort())))) {
            var ca = dev.roundtrip.tls.LocalCa.loadOrCreate(caDir);
            java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
                    .sslContext(dev.roundtrip.tls.TlsContexts.jdkClient(List.of(ca.certificate()))).build();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
            try {
                List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < 16; w++) {
                    workers.add(pool.submit(() -> {
                        int n;
                        while ((n = sent.incrementAndGet()) <= 600) {
                            if (n == 150) {
                                dead.kill();
                            }
                            var r = h2.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + edge.port("https") + "/h2/" + n))
                                    .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                            outcomes.computeIfAbsent(r.version() + " " + r.statusCode(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (var f : workers) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(outcomes).containsOnlyKeys("HTTP_2 200");
            assertThat(outcomes.get("HTTP_2 200").get()).isEqualTo(600);
        }
    }

    @Test
    void curlOverTlsAndCleartextWithEveryProtocol() throws Exception {
        assumeTrue(run(List.of("curl", "--version")).exitCode == 0, "curl not installed: skipping interop");
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             EdgeHarness edge = edge(ProxyTest.config("""
                     listeners:
                       - name: public
                         address: 127.0.0.1:0
                         tls:
                           ca_dir: %s
                           certificates:
                             - names: [localhost, 127.0.0.1]
                             - names: [api.example.com]
                       - name: plain
                         address: 127.0.0.1:0
                     clusters:
                       - name: app
                         endpoints: [%s, %s]
                     access_log: false
                     """.formatted(caDir, a.hostPort(), b.hostPort())))) {
            String ca = caDir.resolve("ca.pem").toString();
            int tls = edge.port("https");
            int plain = edge.port("http");

            Result h1 = curl("--cacert", ca, "--http1.1", "https://localhost:" + tls + "/users");
            assertThat(h1.exitCode()).as(h1.out()).isZero();
            assertThat(h1.out()).startsWith("HTTP/1.1 200").contains("hello from ").containsIgnoringCase("server-timing: lb;dur=");

            Result tls12 = curl("--cacert", ca, "--tls-max", "1.2", "-w", "%{http_version}", "-o", "/dev/null",
                    "https://localhost:" + tls + "/tls12");
            assertThat(tls12.exitCode()).as(tls12.out()).isZero();
            assertThat(tls12.out()).startsWith("HTTP/2 200");

            Result h2 = curl("--cacert", ca, "--http2", "https://localhost:" + tls + "/users");
            assertThat(h2.exitCode()).as(h2.out()).isZero();
            assertThat(h2.out()).startsWith("HTTP/2 200").contains("via: 2 roundtrip").contains("server-timing: app;dur=1.5");

            // SNI: curl checks the certificate against the name it asked for.
            Result sni = curl("--cacert", ca, "--http2", "--resolve", "api.example.com:" + tls + ":127.0.0.1",
                    "https://api.example.com:" + tls + "/sni");
            assertThat(sni.exitCode()).as(sni.out()).isZero();
            assertThat(sni.out()).startsWith("HTTP/2 200");

            Result prior = curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain + "/h2c");
            assertThat(prior.exitCode()).as(prior.out()).isZero();
            assertThat(prior.out()).startsWith("HTTP/2 200");

            Result upgrade = curl("--http2", "http://127.0.0.1:" + plain + "/upgrade");
            assertThat(upgrade.exitCode()).as(upgrade.out()).isZero();
            assertThat(upgrade.out()).contains("HTTP/2 200");

            List<Map<String, String>> seen = new ArrayList<>(a.seen());
            seen.addAll(b.seen());
            assertThat(seen).hasSize(6);
            assertThat(seen).filteredOn(s -> s.get(":uri").equals("/users")).extracting(s -> s.get("x-forwarded-proto"))
                    .containsOnly("https");
            assertThat(seen).filteredOn(s -> s.get(":uri").equals("/users")).extracting(s -> s.get("via"))
                    .containsExactlyInAnyOrder("1.1 roundtrip", "2 roundtrip");
            assertThat(seen).filteredOn(s -> s.get(":uri").equals("/sni")).extracting(s -> s.get("host"))
                    .containsExactly("api.example.com:" + tls);
            assertThat(seen).filteredOn(s -> s.get(":uri").equals("/h2c")).extracting(s -> s.get("x-forwarded-proto"))
                    .containsExactly("http");
            assertThat(seen).allSatisfy(s -> assertThat(s).doesNotContainKeys("x-http2-stream-id", "x-http2-scheme", "upgrade"));
            assertThat(Files.exists(caDir.resolve("ca.pem"))).isTrue();
        }
    }
}
