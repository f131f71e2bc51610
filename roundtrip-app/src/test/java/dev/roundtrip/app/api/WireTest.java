package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.RunningApp;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.core.net.Network;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app server's byte path, spoken to with raw sockets and with curl: malformed, oversized and
 * pipelined HTTP/1.1, and HTTP/2 with prior knowledge (h2c), as load balancers and h2load use it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RunningApp app;
    private Path dir; // for the whole class

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        app = RunningApp.start(AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "app-wire", JdbcUrls.h2File(dir.resolve("users"))));
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
    }

    @Test
    void garbageRequestLineGets400AndTheConnectionCloses() throws Exception {
        RawResponse r = exchange("HELLO THERE\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("malformed_request");
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue();
        assertThat(r.header("x-served-by")).isEqualTo("app-wire");
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        RawResponse r = exchange("GET /users/1 HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.errorCode()).isEqualTo("headers_too_large");
    }

    @Test
    void overlongRequestLineGets414() throws Exception {
        RawResponse r = exchange("GET /users/" + "1".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(r.status()).isEqualTo(414);
        assertThat(r.errorCode()).isEqualTo("uri_too_long");
    }

    @Test
    void badPercentEncodingGets400() throws Exception {
        RawResponse r = exchange("GET /users?cursor=%zz HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void declaredOversizedBodyGets413BeforeItIsSent() throws Exception {
        RawResponse r = exchange("POST /users HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: 10000000\r\n\r\n{");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("body_too_large");
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(r.closed()).isTrue(); // our side is shut at once; the socket lingers for the client's bytes
    }

    @Test
    void oversizedBodyOnAKeepAliveConnectionIsDiscardedAndTheConnectionLivesOn() throws Exception {
        String body = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";
        List<RawResponse> responses = exchangeAll("POST /users HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /users/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2);
        assertThat(responses.get(0).status()).isEqualTo(413);
        assertThat(responses.get(0).errorCode()).isEqualTo("body_too_large");
        assertThat(responses.get(1).status()).isEqualTo(200);
        assertThat(responses.get(1).json().get("id").asLong()).isEqualTo(1);
    }

    @Test
    void expectContinueWithAnOversizedBodyGetsJson413InsteadOf100() throws Exception {
        List<RawResponse> responses = exchangeAll("POST /users HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n"
                + "GET /users/2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2);
        assertThat(responses.get(0).status()).isEqualTo(413);
        assertThat(responses.get(0).errorCode()).isEqualTo("body_too_large");
        assertThat(responses.get(1).status()).isEqualTo(200);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        AppConfig config = AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "app-idle", JdbcUrls.h2File(dir.resolve("idle"))).withLimits(AppConfig.Limits.DEFAULTS.withIdleTimeout(Duration.ofMillis(200)));
        try (RunningApp idle = RunningApp.start(config); Socket socket = new Socket()) {
            socket.connect(idle.address(), 5_000);
            socket.setSoTimeout(10_000); // far above the idle timeout: only a server that never closes fails
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedOnArrival() throws Exception {
        AppConfig config = AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "app-conns", JdbcUrls.h2File(dir.resolve("conns"))).withLimits(AppConfig.Limits.DEFAULTS.withMaxConnections(2));
        try (RunningApp small = RunningApp.start(config); Socket first = new Socket(); Socket second = new Socket(); Socket third = new Socket()) {
            for (Socket s : List.of(first, second)) {
                s.connect(small.address(), 5_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                RawResponse health = RawResponse.read(s.getInputStream());
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.json().get("connections").asText()).endsWith("/2");
            }
            assertThat(small.server().connections()).isEqualTo(2);
            third.connect(small.address(), 5_000);
            third.setSoTimeout(10_000);
            assertThat(third.getInputStream().read()).as("closed on arrival").isEqualTo(-1);
            second.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (small.server().connections() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(small.server().connections()).isEqualTo(1);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int id = 1; id <= 5; id++) {
            requests.append("GET /users/").append(id).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        requests.append("GET /users/6 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        List<RawResponse> responses = exchangeAll(requests.toString(), 6);
        List<Long> ids = new ArrayList<>();
        for (RawResponse r : responses) {
            assertThat(r.status()).isEqualTo(200);
            ids.add(r.json().get("id").asLong());
        }
        assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aMalformedRequestBehindGoodOnesIsAnsweredInItsTurn() throws Exception {
        List<RawResponse> responses = exchangeAll("GET /users/1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /users/2 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GARBAGE\r\n\r\n", 3);
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 200, 400);
        assertThat(responses.get(1).json().get("id").asLong()).isEqualTo(2);
        assertThat(responses.getLast().closed()).isTrue();
    }

    @Test
    void keepsServingAfterMalformedInput() throws Exception {
        for (String bad : List.of("\u0000\u0001\u0002\r\n\r\n", "GET /users/1 HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
                "POST /users HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")) {
            RawResponse r = exchange(bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.closed()).as(bad).isTrue();
        }
        RawResponse ok = exchange("GET /users/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void curlSpeaksH2cWithPriorKnowledge() throws Exception {
        assumeTrue(onPath("curl"), "curl not installed: skipping h2c prior-knowledge interop");
        InetSocketAddress a = app.address();
        Process curl = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "-D", "-", "--max-time", "10",
                "-H", "content-type: application/json", "--data", "{\"name\":\"Via Curl\",\"email\":\"curl@example.org\"}",
                "http://127.0.0.1:" + a.getPort() + "/users").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(out).startsWith("HTTP/2 201").containsIgnoringCase("x-served-by: app-wire")
                .containsIgnoringCase("server-timing: app;dur=").contains("\"email\":\"curl@example.org\"");
    }

    @Test
    void curlUpgradesToH2cWithABody() throws Exception {
        assumeTrue(onPath("curl"), "curl not installed: skipping h2c upgrade interop");
        Process curl = new ProcessBuilder("curl", "-sS", "--http2", "-D", "-", "--max-time", "10",
                "-H", "content-type: application/json", "--data", "{\"name\":\"Upgraded\",\"email\":\"upgrade@example.org\"}",
                "http://127.0.0.1:" + app.address().getPort() + "/users").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(out).startsWith("HTTP/1.1 101").contains("HTTP/2 201").contains("\"email\":\"upgrade@example.org\"");
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private RawResponse exchange(String request) throws IOException {
        return exchangeAll(request, 1).getFirst();
    }

    /** Writes {@code request} bytes and reads {@code count} responses (Content-Length framed). */
    private List<RawResponse> exchangeAll(String request, int count) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(app.address(), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything we send.
            }
            InputStream in = socket.getInputStream();
            List<RawResponse> responses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                responses.add(RawResponse.read(in));
            }
            boolean closed;
            try {
                closed = in.read() == -1;
            } catch (IOException e) {
                closed = true;
            }
            RawResponse last = responses.getLast();
            responses.set(responses.size() - 1, new RawResponse(last.status(), last.head(), last.body(), closed));
            return responses;
        }
    }

    private record RawResponse(int status, String head, byte[] body, boolean closed) {
        static RawResponse read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before a response; got: " + head);
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            return new RawResponse(status, text, in.readNBytes(length), false);
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        String errorCode() throws IOException {
            return json().get("error").get("code").asText();
        }
    }
}
