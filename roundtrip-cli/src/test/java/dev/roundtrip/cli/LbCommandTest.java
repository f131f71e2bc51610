package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.edge.config.AddedHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
    void addHeadersChoosesWhatTheListenerAddsAndRefusesAnUnknownHeader() {
        LbCommand all = new LbCommand();
        new CommandLine(all).parseArgs("--backend", "127.0.0.1:9");
        assertThat(all.buildConfig().listeners().getFirst().addHeaders()).isEqualTo(AddedHeader.ALL);
        LbCommand some = new LbCommand();
        new CommandLine(some).parseArgs("--backend", "127.0.0.1:9", "--add-headers", "x-forwarded-for,VIA");
        assertThat(some.buildConfig().listeners().getFirst().addHeaders()).containsExactly(AddedHeader.X_FORWARDED_FOR, AddedHeader.VIA);
        LbCommand none = new LbCommand();
        new CommandLine(none).parseArgs("--backend", "127.0.0.1:9", "--add-headers", "none");
        assertThat(none.buildConfig().listeners().getFirst().addHeaders()).isEmpty();

        CliTest.Result bad = CliTest.run("lb", "--backend", "127.0.0.1:9", "--add-headers", "via,x-real-ip");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--add-headers: 'x-real-ip' is not a header the balancer adds (allowed: all, none, or a list of "
                + "x-forwarded-for, x-forwarded-proto, x-forwarded-host, forwarded, via, traceparent, server-timing)");
        CliTest.Result tcp = CliTest.run("lb", "--mode", "tcp", "--backend", "127.0.0.1:9", "--add-headers", "none");
        assertThat(tcp.exitCode()).isEqualTo(2);
        assertThat(tcp.err()).contains("--mode tcp relays bytes and adds no header: leave out --add-headers");
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
