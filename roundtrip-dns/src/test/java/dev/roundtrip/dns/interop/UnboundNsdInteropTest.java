package dev.roundtrip.dns.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.stub.StubResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real resolvers and servers we did not write, on port 53 of distinct 127.53.x.y addresses (the
 * host network; needs root, skipped visibly otherwise): Unbound iterating through our root, TLD and
 * authoritative servers; our resolver iterating to NSD as example.com's authoritative server.
 */
class UnboundNsdInteropTest {
    final List<Service> services = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop(Duration.ZERO).get();
        }
    }

    static InetAddress addr(String literal) {
        return LabAddresses.parseLiteral(literal);
    }

    private void serve(InetAddress address, String zoneText) throws Exception {
        AuthoritativeServer s = new AuthoritativeServer(new AuthoritativeConfig(Network.host(), new InetSocketAddress(address, 53),
                List.of(Peers.zone(zoneText))));
        try {
            s.start().get();
        } catch (java.util.concurrent.ExecutionException e) {
            // Another run of this test on the same machine holds the port: a missing privilege, not a defect.
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot bind " + address.getHostAddress() + ":53 ("
                    + e.getCause().getMessage() + "): skipping interop");
        }
        services.add(s);
    }

    @Test
    void unboundResolvesThroughOurRootTldAndAuthoritativeServers(@TempDir Path dir) throws Exception {
        String unbound = Peers.require("unbound");
        String dig = Peers.require("dig");
        Map<String, String> lab = Map.of("198.18.0.4", "127.53.0.4", "198.18.0.30", "127.53.0.30", "198.18.0.53", "127.53.0.53");
        Peers.requirePort53(addr("127.53.0.4"));
        serve(addr("127.53.0.4"), Peers.demoZoneText(Peers.ROOT, lab));
        serve(addr("127.53.0.30"), Peers.demoZoneText(Peers.COM, lab));
        serve(addr("127.53.0.53"), Peers.demoZoneText(Peers.EXAMPLE, lab));
        Files.writeString(dir.resolve("root.hints"), ".  3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A 127.53.0.4\n");
        int port = Peers.freePort(addr("127.53.0.2"));
        Files.writeString(dir.resolve("unbound.conf"), """
                server:
                  interface: 127.53.0.2
                  port: %d
                  username: ""
                  chroot: ""
                  directory: "%s"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 1
                  num-threads: 1
                  do-ip6: no
                  do-not-query-localhost: no
                  access-control: 127.0.0.0/8 allow
                  root-hints: "%s/root.hints"
                  module-config: "iterator"
                  qname-minimisation: yes
                remote-control:
                  control-enable: no
                """.formatted(port, dir, dir));
        try (Peers.Daemon daemon = new Peers.Daemon(dir.resolve("unbound.log"), unbound, "-d", "-c", dir.resolve("unbound.conf").toString())) {
            Peers.Result r = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                r = Peers.run(Duration.ofSeconds(10), dig, "@127.53.0.2", "-p", String.valueOf(port), "+tries=1", "+time=2",
                        "www.example.com", "A");
                if (r.output().contains("status:")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(r.output()).as(daemon.log()).contains("status: NOERROR", "flags: qr rd ra;",
                    "www.example.com.\t300\tIN\tCNAME\tapi.example.com.", "api.example.com.\t300\tIN\tA\t198.18.1.10");
            Peers.Result nx = Peers.run(Duration.ofSeconds(10), dig, "@127.53.0.2", "-p", String.valueOf(port), "nope.example.com");
            assertThat(nx.output()).contains("status: NXDOMAIN");
        }
        AuthoritativeServer authoritative = (AuthoritativeServer) services.get(2);
        assertThat(authoritative.answered()).isPositive();
    }

    @Test
    void ourResolverIteratesToNsdAsTheAuthoritativeServer(@TempDir Path dir) throws Exception {
        String nsd = Peers.require("nsd");
        Map<String, String> lab = Map.of("198.18.0.4", "127.53.1.4", "198.18.0.30", "127.53.1.30", "198.18.0.53", "127.53.1.53");
        Peers.requirePort53(addr("127.53.1.53"));
        serve(addr("127.53.1.4"), Peers.demoZoneText(Peers.ROOT, lab));
        serve(addr("127.53.1.30"), Peers.demoZoneText(Peers.COM, lab));
        Files.writeString(dir.resolve("example.com.zone"), Peers.demoZoneText(Peers.EXAMPLE, lab));
        Files.writeString(dir.resolve("nsd.conf"), """
                server:
                  ip-address: 127.53.1.53
                  port: 53
                  username: ""
                  chroot: ""
                  zonesdir: "%s"
                  database: ""
                  zonelistfile: "%s/zone.list"
                  xfrdfile: "%s/xfrd.state"
                  xfrdir: "%s"
                  pidfile: "%s/nsd.pid"
                  logfile: "%s/nsd.log"
                  server-count: 1
                  verbosity: 1
                remote-control:
                  control-enable: no
                zone:
                  name: example.com
                  zonefile: example.com.zone
                """.formatted(dir, dir, dir, dir, dir, dir));
        RecursiveResolver resolver = new RecursiveResolver(new RecursiveConfig(Network.host(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(new InetSocketAddress(addr("127.53.1.4"), 53)),
                MonotonicClock.SYSTEM));
        InetSocketAddress resolverAddress = resolver.start().get().getFirst().real();
        services.add(resolver);
        try (Peers.Daemon daemon = new Peers.Daemon(dir.resolve("nsd.out"), nsd, "-d", "-c", dir.resolve("nsd.conf").toString());
             StubResolver stub = new StubResolver(Network.host(), resolverAddress, MonotonicClock.SYSTEM)) {
            waitForUdp(new InetSocketAddress(addr("127.53.1.53"), 53), daemon);
            Resolution r = stub.resolve("www.example.com").get();
            assertThat(r.addresses()).extracting(InetAddress::getHostAddress).startsWith("198.18.1.10");
            assertThat(r.steps()).anySatisfy(s -> {
                assertThat(s.source()).isEqualTo(DnsStep.Source.QUERY);
                assertThat(s.server()).isEqualTo("127.53.1.53:53");
                assertThat(s.zone()).isEqualTo("example.com.");
                assertThat(s.outcome()).startsWith("answer ");
            });
        }
    }

    /** Waits until NSD answers (it loads the zone after binding). */
    private static void waitForUdp(InetSocketAddress server, Peers.Daemon daemon) throws Exception {
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(server);
        r.setTimeout(Duration.ofMillis(200));
        for (int i = 0; i < 50; i++) {
            try {
                org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                        org.xbill.DNS.Name.fromString("example.com."), org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)));
                if (m.getRcode() == org.xbill.DNS.Rcode.NOERROR) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nsd did not answer: " + daemon.log());
    }
}
