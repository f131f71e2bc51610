package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile bytes over raw sockets get the protocol's own error, and the balancer keeps serving. */
class MalformedRequestTest {
    static TestBackend backend;
    static EdgeHarness edge;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend("a");
        edge = new EdgeHarness(ProxyTest.config("""
                listen: 127.0.0.1:0
                backends: [%s]
                limits: { max_request_line_bytes: 1KiB, max_header_bytes: 2KiB, max_body_bytes: 1KiB, header_read_timeout: 300ms }
                access_log: false
                """.formatted(backend.hostPort())));
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        backend.close();
    }

    /** Writes {@code request}, then reads until the server closes or 5 s pass; returns what came back. */
    static String exchange(String request, boolean expectClose) throws Exception {
        try (Socket s = new Socket("127.0.0.1", edge.port("http"))) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            long start = System.nanoTime();
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                    if (!expectClose && got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer within 5 s; got: " + got, e);
            }
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void garbageGets400() throws Exception {
        assertThat(exchange("HELLO\r\n\r\n", true)).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", true)).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", true)).startsWith("HTTP/1.1 400 ");
        assertStillServing();
    }

    @Test
    void oversizedPartsGet414And431And413() throws Exception {
        assertThat(exchange("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n", true)).startsWith("HTTP/1.1 414 ");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4000) + "\r\n\r\n", true)).startsWith("HTTP/1.1 431 ");
        assertThat(exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", true)).startsWith("HTTP/1.1 413 ");
        assertStillServing();
    }

    @Test
    void slowHeadersGet408() throws Exception {
        long start = System.nanoTime();
        String answer = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: still typing", true);
        assertThat(answer).startsWith("HTTP/1.1 408 ").contains("request headers not complete within 300 ms");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(250_000_000L);
        assertStillServing();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String answer = exchange("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true);
        assertThat(answer.indexOf("GET /one")).isPositive().isLessThan(answer.indexOf("GET /two"));
        assertThat(answer.indexOf("GET /two")).isLessThan(answer.indexOf("GET /three"));
    }

    @Test
    void chunkedWithContentLengthIsRejectedNotSmuggled() throws Exception {
        int before = backend.requests.get();
        String answer = exchange("POST /smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\nGET /hidden HTTP/1.1\r\nHost: x\r\n\r\n", true);
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Transfer-Encoding").doesNotContain("/hidden");
        assertThat(backend.requests.get()).isEqualTo(before);
        assertStillServing();
    }

    static void assertStillServing() throws Exception {
        assertThat(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true))
                .startsWith("HTTP/1.1 200 ").contains("hello from a GET /ok");
    }
}
