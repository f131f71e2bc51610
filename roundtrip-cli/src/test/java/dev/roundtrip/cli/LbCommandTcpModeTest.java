package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.ProxyProtocol;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code roundtrip lb --mode tcp}: the quick form of an L4 listener, and the flags that make no sense with it. */
class LbCommandTcpModeTest {

    @Test
    void quickFormBuildsATcpListenerOverTheBackends() {
        LbCommand lb = new LbCommand();
        new CommandLine(lb).parseArgs("--mode", "tcp", "--listen", "127.0.0.1:7443", "--backend", "127.0.0.1:8443",
                "--backend", "127.0.0.1:8444", "--policy", "hash:source-ip", "--proxy-protocol", "v2");
        EdgeConfig c = lb.buildConfig();
        assertThat(c.listeners().getFirst().tcpProxy().orElseThrow().cluster()).isEqualTo("default");
        assertThat(c.listeners().getFirst().tls()).isEmpty();
        assertThat(c.cluster("default").proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(c.cluster("default").endpoints()).hasSize(2);
    }

    @Test
    void flagsThatNeedHttpExit2NamingWhatIsAllowed() {
        CliTest.Result mode = CliTest.run("lb", "--mode", "udp", "--backend", "127.0.0.1:9");
        assertThat(mode.exitCode()).isEqualTo(2);
        assertThat(mode.err()).contains("--mode: 'udp' is not a listener mode (allowed: http, tcp)");

        CliTest.Result tls = CliTest.run("lb", "--mode", "tcp", "--tls", "--backend", "127.0.0.1:9");
        assertThat(tls.exitCode()).isEqualTo(2);
        assertThat(tls.err()).contains("--mode tcp passes bytes through (TLS included) to the backends: leave out --tls");

        CliTest.Result cookie = CliTest.run("lb", "--mode", "tcp", "--policy", "cookie:session", "--backend", "127.0.0.1:9");
        assertThat(cookie.exitCode()).isEqualTo(2);
        assertThat(cookie.err()).contains("--policy: 'cookie:session' needs HTTP, but --mode tcp never reads headers or cookies "
                + "(allowed with --mode tcp: round-robin, least-request (counts connections), peak-ewma (of connect times), hash:source-ip)");

        CliTest.Result pp = CliTest.run("lb", "--mode", "tcp", "--proxy-protocol", "v1", "--backend", "127.0.0.1:9");
        assertThat(pp.exitCode()).isEqualTo(2);
        assertThat(pp.err()).contains("--proxy-protocol: 'v1' is not a PROXY protocol version (allowed: none, v2)");
    }
}
