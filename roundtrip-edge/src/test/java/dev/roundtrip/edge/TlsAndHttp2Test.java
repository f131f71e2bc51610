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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl, a client we did not write, through the balancer: HTTP/1.1 and HTTP/2 over TLS (SNI, ALPN) and h2c. */
class TlsAndHttp2Test {
    @TempDir
    static Path caDir;

    @BeforeAll
    static void needsCurl() {
        assumeTrue(run(List.of("curl", "--version")).exitCode == 0, "curl not installed: skipping interop");
    }

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
    void curlOverTlsAndCleartextWithEveryProtocol() throws Exception {
        try (TestBackend a = new TestBackend("a"); TestBackend b = new TestBackend("b");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
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
            assertThat(seen).hasSize(5);
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
