package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roundtrip lb}: bad flags and bad configuration files fail at once, exit 2, naming what is wrong. */
class LbCommandTest {

    @Test
    void helpDescribesTheQuickAndTheFullForm() {
        CliTest.Result r = CliTest.run("lb", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: roundtrip lb", "--backend", "--policy", "--config", "peak-ewma");
    }

    @Test
    void badFlagsExit2WithOneLine() {
        CliTest.Result noBackend = CliTest.run("lb", "--listen", "127.0.0.1:0");
        assertThat(noBackend.exitCode()).isEqualTo(2);
        assertThat(noBackend.err()).contains("roundtrip lb: --backend ADDR:PORT is required");

        CliTest.Result badBackend = CliTest.run("lb", "--backend", "localhost:80");
        assertThat(badBackend.exitCode()).isEqualTo(2);
        assertThat(badBackend.err()).contains("--backend: ");

        CliTest.Result badPolicy = CliTest.run("lb", "--backend", "127.0.0.1:9", "--policy", "fastest");
        assertThat(badPolicy.exitCode()).isEqualTo(2);
        assertThat(badPolicy.err()).contains("--policy: 'fastest' is not a policy (allowed: round-robin, least-request, peak-ewma");

        CliTest.Result badTransport = CliTest.run("lb", "--backend", "127.0.0.1:9", "--transport", "kqueue");
        assertThat(badTransport.exitCode()).isEqualTo(2);
        assertThat(badTransport.err()).contains("--transport: 'kqueue' is not a transport (allowed: auto, epoll, io_uring, nio)");
    }

    @Test
    void badConfigFileNamesTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lb.yaml");
        Files.writeString(file, """
                listeners:
                  - address: 127.0.0.1:0
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:9]
                    health_check: { interval: soon }
                """);
        CliTest.Result r = CliTest.run("lb", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(file + ": clusters[0].health_check.interval: 'soon' is not a duration");

        CliTest.Result both = CliTest.run("lb", "--config", file.toString(), "--transport", "io_uring");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("leave out", "--transport");
    }
}
