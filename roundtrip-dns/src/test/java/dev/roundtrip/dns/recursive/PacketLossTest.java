package dev.roundtrip.dns.recursive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.MiniInternet;
import dev.roundtrip.dns.authoritative.AuthoritativeAnswerer;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.steps.StepsOption;
import dev.roundtrip.dns.transport.ListenerLimits;
import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.QueryDecoder;
import dev.roundtrip.dns.wire.Responses;
import dev.roundtrip.dns.zone.DemoZones;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** A lost datagram costs one timeout, not the answer: the only com. server loses every first query. */
class PacketLossTest {

    @Test
    void aLostQueryIsSentAgainToTheSameServer() throws Exception {
        Network network = Network.embedded();
        AuthoritativeAnswerer com = new AuthoritativeAnswerer(List.of(DemoZones.com()), 8);
        try (DatagramSocket tld = new DatagramSocket(network.bindAddress(MiniInternet.TLD))) {
            Thread lossy = Thread.ofVirtual().start(() -> serveLosingFirstTries(tld, com));
            AuthoritativeServer root = new AuthoritativeServer(new AuthoritativeConfig(network, MiniInternet.ROOT, List.of(DemoZones.root())));
            AuthoritativeServer auth = new AuthoritativeServer(new AuthoritativeConfig(network, MiniInternet.AUTH, List.of(DemoZones.exampleCom())));
            RecursiveResolver resolver = new RecursiveResolver(new RecursiveConfig("resolver", network, MiniInternet.RESOLVER,
                    DemoZones.rootServers(), MonotonicClock.SYSTEM, CacheLimits.DEFAULT,
                    new ResolutionLimits(16, 8, 48, 3, Duration.ofMillis(250), Duration.ofSeconds(5), 100), true,
                    ListenerLimits.DEFAULT, List.of()));
            root.start().get();
            auth.start().get();
            resolver.start().get();
            try {
                SimpleResolver client = new SimpleResolver(network.connectAddress(MiniInternet.RESOLVER));
                client.setTimeout(Duration.ofSeconds(5));
                Message q = Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.A, DClass.IN));
                q.addRecord(new OPTRecord(1232, 0, 0, 0, StepsOption.request()), Section.ADDITIONAL);
                Message m = client.send(q);
                assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.10");
                List<DnsStep> tldSteps = StepsOption.find(m).orElseThrow().stream()
                        .filter(s -> s.server().equals("198.18.0.30:53")).toList();
                assertThat(tldSteps).extracting(DnsStep::outcome).containsExactly("timeout", "referral to example.com.");
            } finally {
                resolver.stop(Duration.ZERO).get();
                auth.stop(Duration.ZERO).get();
                root.stop(Duration.ZERO).get();
                tld.close();
                lossy.join(2000);
            }
        }
    }

    /** Drops the first query for each question, answers every later one. */
    private static void serveLosingFirstTries(DatagramSocket socket, AuthoritativeAnswerer com) {
        Set<String> seen = new HashSet<>();
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (!(QueryDecoder.decode(Arrays.copyOf(p.getData(), p.getLength())) instanceof ParsedQuery.Query q)) {
                    continue;
                }
                if (seen.add(q.question().toString())) {
                    continue; // lost
                }
                byte[] response = Responses.encode(com.answer(q), q, true);
                socket.send(new DatagramPacket(response, response.length, p.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
