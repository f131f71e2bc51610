package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.testing.DelayedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracer against nginx, a server roundtrip did not write: HTTPS with ALPN (h2 and http/1.1)
 * using a certificate from roundtrip's local CA, with nginx adding a Server-Timing header.
 * Skipped, visibly, when nginx is not installed.
 */
class NginxInteropTest {
    @TempDir
    static Path dir;
    static Process nginx;
    static int port;
    static LocalCa ca;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx not installed: skipping the nginx interop test");
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        Path cert = ca.issueToFiles(List.of("api.test", "127.0.0.1"), dir);
        Path key = dir.resolve("api.test-key.pem");
        Files.createDirectories(dir.resolve("logs"));
        for (int attempt = 0; attempt < 3 && nginx == null; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/logs/error.log;
                    events { worker_connections 64; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/body;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      uwsgi_temp_path %1$s/uwsgi;
                      scgi_temp_path %1$s/scgi;
                      server {
                        listen 127.0.0.1:%2$d ssl http2;
                        ssl_certificate %3$s;
                        ssl_certificate_key %4$s;
                        location / {
                          add_header Server-Timing 'lb;dur=0.3, app;dur=0.2';
                          return 200 'hello from nginx\\n';
                        }
                      }
                    }
                    """.formatted(dir, port, cert, key));
            Process p = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
            if (waitForPort(p)) {
                nginx = p;
            } else {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        assumeTrue(nginx != null, "nginx did not start: " + Files.readString(dir.resolve("logs/stdout.log")));
    }

    private static boolean waitForPort(Process p) throws InterruptedException {
        for (int i = 0; i < 50 && p.isAlive(); i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    @AfterAll
    static void stopNginx() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown
            if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"AUTO, h2, h2", "HTTP_1_1, http/1.1, HTTP/1.1"})
    void tracesNginxOverTlsWithAlpn(HttpVersion http, String alpn, String protocol) {
        TracerConfig config = TracerConfig.defaults(DelayedResolver.answering("api.test", InetAddress.getLoopbackAddress(), Duration.ofMillis(5)))
                .withTrust(TrustPolicy.roots(List.of(ca.certificate()))).withHttp(http);
        try (Tracer tracer = new Tracer(config)) {
            TraceRequest request = TraceRequest.get("https://api.test:" + port + "/users");
            Timeline cold = tracer.trace(request);
            assertThat(cold.failure()).isNull();
            assertThat(cold.status()).isEqualTo(200);
            assertThat(cold.protocol()).isEqualTo(protocol);
            assertThat(cold.tls().alpn()).isEqualTo(alpn);
            assertThat(cold.responseBytes()).isEqualTo("hello from nginx\n".length());
            assertThat(cold.serverTimings()).extracting(s -> s.name()).containsExactly("lb", "app");
            assertThat(cold.phase(PhaseKind.TLS)).isPresent();

            Timeline warm = tracer.trace(request);
            assertThat(warm.failure()).isNull();
            assertThat(warm.connectionReused()).isTrue();
        }
    }
}
