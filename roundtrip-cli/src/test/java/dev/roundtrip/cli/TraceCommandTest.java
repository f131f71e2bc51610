package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.tls.TlsContexts;
import dev.roundtrip.trace.FailureClass;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code roundtrip trace} as a user runs it, against the JDK's own HTTP and HTTPS servers (peers
 * roundtrip did not write): the waterfall, --json, --har, --repeat, and an exit code per failure.
 */
class TraceCommandTest {
    @TempDir
    static Path dir;
    static LocalCa ca;
    static HttpServer http;
    static HttpsServer https;

    @BeforeAll
    static void servers() throws IOException {
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.jdkServer(ca.issue(List.of("127.0.0.1")))));
        for (var server : List.of(http, https)) {
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"users\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Server-Timing", "app;dur=1.5, db;dur=0.5");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }
    }

    @AfterAll
    static void stop() {
        http.stop(0);
        https.stop(0);
    }

    private static String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/users";
    }

    private static String httpsUrl() {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/users";
    }

    @Test
    void helpDocumentsEveryExitCode() {
        CliTest.Result r = CliTest.run("help", "trace");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: roundtrip trace", "--connect-to", "--resolver", "--har", "--h3-fallback-delay", "--qlog", "Exit codes:",
                "roundtrip-trace/1");
        for (FailureClass f : FailureClass.values()) {
            assertThat(r.out()).as(f.name()).containsPattern("(?m)^\\s*" + f.exitCode() + "\\s+\\S");
        }
    }

    @Test
    void theWaterfallShowsEveryPhaseAndTheServersTiming() {
        CliTest.Result r = CliTest.run("trace", httpUrl(), "--color", "never");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("GET " + httpUrl() + "  ->  200", "tcp ", "cleartext (http://): no TLS",
                "no lookup: the address is an IP literal", "request ", "wait ", "download ", "app", "server-timing");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void jsonHasCurlsMarksAndRepeatReusesTheConnection() throws Exception {
        CliTest.Result r = CliTest.run("trace", httpsUrl(), "--cacert", ca.certificatePem().toString(), "--json", "--repeat", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("schema").asText()).isEqualTo("roundtrip-trace/1");
        JsonNode cold = doc.get("runs").get(0);
        JsonNode warm = doc.get("runs").get(1);
        assertThat(cold.get("status").asInt()).isEqualTo(200);
        assertThat(cold.get("tls").get("version").asText()).startsWith("TLSv1.");
        assertThat(cold.get("time_appconnect").asDouble()).isGreaterThan(cold.get("time_connect").asDouble());
        assertThat(cold.get("time_total").asDouble()).isGreaterThanOrEqualTo(cold.get("time_starttransfer").asDouble());
        assertThat(warm.get("connection").get("reused").asBoolean()).isTrue();
        assertThat(warm.get("phases").get(2).get("happened").asBoolean()).isFalse();
    }

    @Test
    void harFileIsWrittenBesideTheWaterfall() throws Exception {
        Path har = dir.resolve("trace.har");
        CliTest.Result r = CliTest.run("trace", httpUrl(), "--har", har.toString(), "--repeat", "3", "--no-reuse");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("run 3 of 3", "connection #3 new").doesNotContain("reused");
        assertThat(r.err()).contains("HAR written to " + har);
        JsonNode log = new ObjectMapper().readTree(Files.readString(har)).get("log");
        assertThat(log.get("version").asText()).isEqualTo("1.2");
        assertThat(log.get("entries")).hasSize(3);
    }

    @Test
    void aRefusedConnectionExits20NamingThePhaseAndTime() throws IOException {
        try (Socket boundOnly = new Socket()) {
            boundOnly.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CliTest.Result r = CliTest.run("trace", "http://127.0.0.1:" + boundOnly.getLocalPort() + "/");
            assertThat(r.exitCode()).isEqualTo(20);
            assertThat(r.err()).containsPattern("roundtrip trace: failed in tcp after [0-9.]+ ms: TCP connect to 127.0.0.1:"
                    + boundOnly.getLocalPort() + ": connection refused");
            assertThat(r.out()).contains("[connect-refused, exit 20]");
        }
    }

    @Test
    void aCertificateForAnotherNameExits32AndListsItsNames() {
        CliTest.Result r = CliTest.run("trace", "https://api.example.com/users", "--connect-to", "api.example.com:443:127.0.0.1:" + https.getAddress().getPort(),
                "--cacert", ca.certificatePem().toString());
        assertThat(r.exitCode()).isEqualTo(32);
        assertThat(r.err()).contains("failed in tls", "certificate is not valid for api.example.com: it names 127.0.0.1");
    }

    @Test
    void insecureAcceptsTheCertificateAnyway() {
        CliTest.Result r = CliTest.run("trace", "https://api.example.com/users", "--connect-to", "api.example.com:443:127.0.0.1:" + https.getAddress().getPort(),
                "--insecure", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void usageErrorsExit2WithWhatIsWrong() {
        CliTest.Result both = CliTest.run("trace", httpUrl(), "--json", "--har", dir.resolve("x.har").toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--json and --har are mutually exclusive");

        CliTest.Result badRule = CliTest.run("trace", httpUrl(), "--connect-to", "nonsense");
        assertThat(badRule.exitCode()).isEqualTo(2);
        assertThat(badRule.err()).contains("--connect-to 'nonsense': expected HOST:PORT:ADDR:PORT");

        CliTest.Result badHttp = CliTest.run("trace", httpUrl(), "--http", "4");
        assertThat(badHttp.exitCode()).isEqualTo(2);
        assertThat(badHttp.err()).contains("--http '4': expected 1.1, 2, 3 or auto");

        CliTest.Result cleartextH3 = CliTest.run("trace", httpUrl(), "--http", "3");
        assertThat(cleartextH3.exitCode()).isEqualTo(2);
        assertThat(cleartextH3.err()).contains("--http 3 needs an https:// URL (QUIC is always TLS 1.3)");

        CliTest.Result delayWithoutAuto = CliTest.run("trace", httpsUrl(), "--h3-fallback-delay", "100");
        assertThat(delayWithoutAuto.exitCode()).isEqualTo(2);
        assertThat(delayWithoutAuto.err()).contains("--h3-fallback-delay applies only with --http auto");

        CliTest.Result negativeDelay = CliTest.run("trace", httpsUrl(), "--http", "auto", "--h3-fallback-delay", "-1");
        assertThat(negativeDelay.exitCode()).isEqualTo(2);
        assertThat(negativeDelay.err()).contains("--h3-fallback-delay -1: expected 0 to 10000 milliseconds (the --timeout)");

        CliTest.Result badQlog = CliTest.run("trace", httpsUrl(), "--qlog", "/proc/roundtrip-qlog");
        assertThat(badQlog.exitCode()).isEqualTo(2);
        assertThat(badQlog.err()).contains("--qlog /proc/roundtrip-qlog: cannot make it a directory (NoSuchFileException)");

        CliTest.Result badResolver = CliTest.run("trace", httpUrl(), "--resolver", "not-an-address");
        assertThat(badResolver.exitCode()).isEqualTo(2);
        assertThat(badResolver.err()).contains("--resolver: expected 'system' or ADDR[:PORT]");
    }
}
