package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser we did not write speaks HTTP/3 to the balancer: headless Chromium, forced onto QUIC
 * for the origin, trusting the listener's leaf by its SPKI hash, fetches a page; its net log must
 * show a QUIC session and {@code :status: 200}, and the balancer must have counted an h3 request.
 * Skips visibly without Debian's {@code chromium}.
 */
class ChromiumHttp3InteropTest {
    @TempDir
    Path dir;

    @Test
    void chromiumFetchesAPageOverHttp3() throws Exception {
        assumeTrue(runBrowser(List.of("chromium", "--version")).exitCode() == 0, "chromium not installed: skipping HTTP/3 browser interop");
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        IssuedCertificate leaf = ca.issue(List.of("api.example.com"));
        leaf.writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        String spki = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(leaf.leaf().getPublicKey().getEncoded()));
        try (TestBackend backend = new TestBackend("app");
             EdgeHarness edge = new EdgeHarness(ProxyTest.config("""
                     listen: 127.0.0.1:0
                     tls: { certificates: [ { names: [api.example.com], cert: %s, key: %s } ] }
                     http3: true
                     backends: [%s]
                     access_log: false
                     """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem"), backend.hostPort())))) {
            int port = edge.port("h3");
            Path netLog = dir.resolve("net-log.json");
            List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")),
                    "--origin-to-force-quic-on=api.example.com:" + port,
                    "--ignore-certificate-errors-spki-list=" + spki,
                    "--host-resolver-rules=MAP api.example.com 127.0.0.1, MAP * ~NOTFOUND",
                    "--log-net-log=" + netLog,
                    "--dump-dom", "https://api.example.com:" + port + "/page"));
            TlsAndHttp2Test.Result r = runBrowser(cmd);

            assertThat(r.out()).contains("hello from app");
            JsonNode log = new ObjectMapper().readTree(netLog.toFile());
            int quicSession = log.path("constants").path("logEventTypes").path("QUIC_SESSION").asInt(-1);
            assertThat(quicSession).isPositive();
            boolean sawSession = false;
            for (JsonNode event : log.path("events")) {
                sawSession |= event.path("type").asInt() == quicSession;
            }
            assertThat(sawSession).as("a QUIC_SESSION event in Chromium's net log").isTrue();
            assertThat(Files.readString(netLog)).contains(":status: 200");
            // Counted once the response has been written out, which can be a moment after Chromium read it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(edge.lb.metricsText()).containsPattern("protocol=\"h3\",[^}]*code=\"200\"} [1-9]"));
        }
    }

    /** Runs Chromium for at most 30 s, its output in a file (no pipe to fill); kills its whole process tree on the way out. */
    private TlsAndHttp2Test.Result runBrowser(List<String> command) {
        Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
        Process p = null;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            return new TlsAndHttp2Test.Result(done ? p.exitValue() : -1, Files.readString(out));
        } catch (java.io.IOException e) {
            return new TlsAndHttp2Test.Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TlsAndHttp2Test.Result(-1, e.toString());
        } finally {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
