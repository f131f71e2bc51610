package dev.roundtrip.cli.dns;

import dev.roundtrip.cli.CliTest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.zone.DemoZones;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void digShortAndFullOutput() {
        CliTest.Result shortOut = CliTest.run("dig", at, "www.example.com", "+short", "+norecurse");
        assertThat(shortOut.exitCode()).as(shortOut.err()).isZero();
        assertThat(shortOut.out()).isEqualTo("api.example.com.\n198.18.1.10\n");
        CliTest.Result full = CliTest.run("dig", "example.com", "MX", at, "+tcp");
        assertThat(full.out()).contains("status: NOERROR", "flags: qr aa rd;", "IN\tMX\t10 mail.example.com.", "(TCP)",
                ";; WARNING: recursion requested but not available");
    }

    @Test
    void digJsonAndErrors() {
        CliTest.Result json = CliTest.run("dig", at, "nope.example.com", "--json");
        assertThat(json.out()).contains("\"rcode\" : \"NXDOMAIN\"", "\"type\" : \"SOA\"");
        CliTest.Result badOption = CliTest.run("dig", at, "example.com", "+bogus");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err()).contains("unknown option +bogus");
        CliTest.Result dead = CliTest.run("dig", "@127.0.0.1:9", "example.com", "--timeout", "200");
        assertThat(dead.exitCode()).isEqualTo(1);
        assertThat(dead.err()).contains("no servers could be reached");
    }

    @Test
    void serveNeedsZones() {
        CliTest.Result r = CliTest.run("dns", "serve", "--listen", "127.0.0.1:0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no zones: give --zone FILE (repeatable) or --demo");
        CliTest.Result missing = CliTest.run("dns", "serve", "--zone", "/nonexistent/x.zone");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("zone file /nonexistent/x.zone does not exist");
    }
}
