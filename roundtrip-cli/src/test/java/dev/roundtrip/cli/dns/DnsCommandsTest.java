package dev.roundtrip.cli.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.zone.DemoZones;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** roundtrip dig and roundtrip dns against a real authoritative server on loopback. */
class DnsCommandsTest {
    static AuthoritativeServer server;
    static String at;

    @BeforeAll
    static void start() throws Exception {
        server = new AuthoritativeServer(new AuthoritativeConfig(Network.host(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(DemoZones.root(), DemoZones.com(), DemoZones.exampleCom())));
        at = "@127.0.0.1:" + server.start().get().getFirst().real().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(Duration.ZERO).get();
    }

    record Result(int exitCode, String out, String err) {}

    static Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage());
            return e instanceof CommandFailure f ? f.exitCode() : 1;
        });
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void digShortAndFullOutput() {
        Result shortOut = run(new DigCommand(), at, "www.example.com", "+short", "+norecurse");
        assertThat(shortOut.exitCode()).as(shortOut.err()).isZero();
        assertThat(shortOut.out()).isEqualTo("api.example.com.\n198.18.1.10\n");
        Result full = run(new DigCommand(), "example.com", "MX", at, "+tcp");
        assertThat(full.out()).contains("status: NOERROR", "flags: qr aa rd;", "IN\tMX\t10 mail.example.com.", "(TCP)",
                ";; WARNING: recursion requested but not available");
    }

    @Test
    void digJsonAndErrors() {
        Result json = run(new DigCommand(), at, "nope.example.com", "--json");
        assertThat(json.out()).contains("\"rcode\" : \"NXDOMAIN\"", "\"type\" : \"SOA\"");
        Result badOption = run(new DigCommand(), at, "example.com", "+bogus");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err()).contains("unknown option +bogus");
        Result dead = run(new DigCommand(), "@127.0.0.1:9", "example.com", "--timeout", "200");
        assertThat(dead.exitCode()).isEqualTo(1);
        assertThat(dead.err()).contains("no servers could be reached");
    }

    @Test
    void serveNeedsZones() {
        Result r = run(new DnsCommand(), "serve", "--listen", "127.0.0.1:0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no zones: give --zone FILE (repeatable) or --demo");
        Result missing = run(new DnsCommand(), "serve", "--zone", "/nonexistent/x.zone");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("zone file /nonexistent/x.zone does not exist");
    }
}
