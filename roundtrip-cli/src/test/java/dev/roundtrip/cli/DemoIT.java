package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roundtrip demo} run as a user runs it: a separate JVM from the packaged jar. */
class DemoIT {
    static final Path JAR = Path.of(System.getProperty("roundtrip.root", "..")).resolve("roundtrip-cli/target/roundtrip.jar").toAbsolutePath();

    static ProcessBuilder roundtrip(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("ROUNDTRIP_HOME", home.toString());
        pb.environment().remove("COLUMNS");
        return pb;
    }

    @Test
    void demoTracesColdAndWarmThroughTheWholePathAndStopsCleanly(@TempDir Path home) throws Exception {
        Process p = roundtrip(home, "demo").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("demo finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the servers' logs stay quiet without --verbose").doesNotContain(" INFO ");

        int cold = out.indexOf("== cold:");
        int warm = out.indexOf("== warm:");
        assertThat(cold).as(out).isPositive();
        assertThat(warm).as(out).isGreaterThan(cold);
        String coldPart = out.substring(cold, warm);
        String warmPart = out.substring(warm);

        // Cold: the resolver walked root -> TLD -> authoritative, then TCP and a TLS 1.3 handshake.
        assertThat(coldPart).contains("a.root-servers.net (198.18.0.4:53) for zone .: referral to com.",
                "a.gtld-servers.net (198.18.0.30:53) for zone com.: referral to example.com.",
                "ns1.example.com (198.18.0.53:53) for zone example.com.: answer 198.18.1.10");
        assertThat(coldPart).containsPattern("\\n  tls +[0-9.]+ ms +[0-9.]+ ms").contains("TLSv1.3", "ALPN chose h2");
        assertThat(coldPart).containsPattern("\\n    lb +[0-9.]+ ms").containsPattern("\\n    app +[0-9.]+ ms")
                .containsPattern("\\n    db +[0-9.]+ ms");
        // Warm: no lookup, no handshakes, the same connection; the server side is still measured.
        assertThat(warmPart).contains("connection #1 reused").doesNotContain("referral to").doesNotContain("TLSv1.3 handshake");
        assertThat(warmPart).containsPattern("\\n  tls +- +-");
        assertThat(warmPart).containsPattern("\\n    lb +[0-9.]+ ms").containsPattern("\\n    db +[0-9.]+ ms");
        assertThat(out).contains("stopped 8 services").containsPattern("demo finished in [0-9.]+ s");

        // Nothing is left listening: every loopback port the services had is free again.
        Matcher m = Pattern.compile("up in .*\\(127\\.0\\.0\\.1:(\\d+)\\)").matcher(out);
        int ports = 0;
        while (m.find()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
            }
            ports++;
        }
        assertThat(ports).isEqualTo(8);
    }

    @Test
    void demoJsonPrintsBothTracesAsTraceJson(@TempDir Path home) throws Exception {
        Process p = roundtrip(home, "demo", "--json", "--warmup", "0").redirectError(home.resolve("err.txt").toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(home.resolve("err.txt"))).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertThat(json.toString()).contains("time_namelookup", "time_appconnect", "time_starttransfer");
        assertThat(Files.readString(home.resolve("err.txt"))).contains("starting mini-internet", "stopped 8 services");
    }

    @Test
    void aBrokenTopologyIsOneClearLine(@TempDir Path home) throws IOException, InterruptedException {
        Path topo = home.resolve("topo.yaml");
        Files.writeString(topo, "hosts:\n  - name: evil\n    address: 10.1.2.3\n");
        Process p = roundtrip(home, "demo", "--config", topo.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out.strip()).isEqualTo("roundtrip demo: " + topo + ": hosts[0].address: '10.1.2.3' is not a lab address (allowed: 198.18.0.0/15 or 2001:db8::/32)");
    }
}
