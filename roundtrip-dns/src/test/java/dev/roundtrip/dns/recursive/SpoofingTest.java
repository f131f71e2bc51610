package dev.roundtrip.dns.recursive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.dns.MiniInternet;
import dev.roundtrip.dns.authoritative.AuthoritativeAnswerer;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.QueryDecoder;
import dev.roundtrip.dns.zone.DemoZones;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * RFC 5452 against a live resolver: the com. server is a test socket that, before each real
 * answer, races forged ones (from another port, with a wrong ID, for another question, unsolicited)
 * and pads its real answer with out-of-bailiwick records. The resolver must use only the real
 * answer and cache none of the rest.
 */
class SpoofingTest {

    @Test
    void forgedAndOutOfBailiwickDataIsNeverUsedNorCached() throws Exception {
        ManualClock clock = new ManualClock();
        Network network = Network.embedded();
        InetSocketAddress tldReal = network.bindAddress(MiniInternet.TLD);
        AuthoritativeAnswerer com = new AuthoritativeAnswerer(List.of(DemoZones.com()), 8);
        AtomicInteger forgeriesSent = new AtomicInteger();
        try (DatagramSocket tld = new DatagramSocket(tldReal);
             DatagramSocket attacker = new DatagramSocket(0, tldReal.getAddress())) {
            Thread server = Thread.ofVirtual().start(() -> serveWithForgeries(tld, attacker, com, forgeriesSent));
            AuthoritativeServer root = new AuthoritativeServer(new AuthoritativeConfig(network, MiniInternet.ROOT, List.of(DemoZones.root())));
            AuthoritativeServer auth = new AuthoritativeServer(new AuthoritativeConfig(network, MiniInternet.AUTH, List.of(DemoZones.exampleCom())));
            RecursiveResolver resolver = new RecursiveResolver(new RecursiveConfig(network, MiniInternet.RESOLVER, DemoZones.rootServers(), clock));
            root.start().get();
            auth.start().get();
            resolver.start().get();
            try {
                Message answer = ask(network, "api.example.com.", Type.A, true);
                assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(answer.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.1.10");
                assertThat(forgeriesSent.get()).isGreaterThanOrEqualTo(4);
                assertThat(resolver.rejectedResponses()).isGreaterThanOrEqualTo(3); // wrong port, wrong ID, wrong question

                // Nothing of the forgeries or the out-of-bailiwick padding is in the cache: RD=0 asks the cache only.
                for (String name : new String[] {"bank.example.net.", "evil.example.org.", "ns.evil.net."}) {
                    assertThat(ask(network, name, Type.A, false).getRcode()).as(name).isEqualTo(Rcode.REFUSED);
                }
                // The forged referral pointed example.com at ns.evil.net; the cached delegation is the real one.
                Message ns1 = ask(network, "ns1.example.com.", Type.A, true);
                assertThat(ns1.getSection(Section.ANSWER)).singleElement().extracting(Record::rdataToString).isEqualTo("198.18.0.53");
            } finally {
                resolver.stop(Duration.ZERO).get();
                auth.stop(Duration.ZERO).get();
                root.stop(Duration.ZERO).get();
                tld.close();
                server.join(2000);
            }
        }
    }

    static Message ask(Network network, String name, int type, boolean rd) throws Exception {
        SimpleResolver r = new SimpleResolver(network.connectAddress(MiniInternet.RESOLVER));
        r.setTimeout(Duration.ofSeconds(3));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (!rd) {
            q.getHeader().unsetFlag(Flags.RD);
        }
        return r.send(q);
    }

    /** The fake com. server: forgeries first, then the real answer padded with out-of-bailiwick data. */
    private static void serveWithForgeries(DatagramSocket tld, DatagramSocket attacker, AuthoritativeAnswerer com, AtomicInteger sent) {
        byte[] buf = new byte[4096];
        while (!tld.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                tld.receive(p);
                byte[] wire = Arrays.copyOf(p.getData(), p.getLength());
                if (!(QueryDecoder.decode(wire) instanceof ParsedQuery.Query q)) {
                    continue;
                }
                Message real = com.answer(q);
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();

                Message forged = forgedReferral(q);
                send(attacker, forged.toWire(), client, sent);                       // right ID, wrong source port
                Message wrongId = forgedReferral(q);
                wrongId.getHeader().setID((q.id() + 1) & 0xffff);
                send(tld, wrongId.toWire(), client, sent);                           // right port, wrong ID
                Message wrongQuestion = new Message(q.id());
                wrongQuestion.getHeader().setFlag(Flags.QR);
                wrongQuestion.addRecord(Record.newRecord(Name.fromString("evil.example.org."), Type.A, DClass.IN), Section.QUESTION);
                wrongQuestion.addRecord(Record.fromString(Name.fromString("evil.example.org."), Type.A, DClass.IN, 300, "198.18.66.66", Name.root), Section.ANSWER);
                send(tld, wrongQuestion.toWire(), client, sent);                     // right port and ID, other question
                Message unsolicited = new Message((q.id() + 7) & 0xffff);
                unsolicited.getHeader().setFlag(Flags.QR);
                send(tld, unsolicited.toWire(), client, sent);                       // nobody asked

                real.addRecord(Record.fromString(Name.fromString("bank.example.net."), Type.A, DClass.IN, 300, "198.18.66.66", Name.root), Section.ADDITIONAL);
                real.addRecord(Record.fromString(Name.fromString("evil.example.org."), Type.A, DClass.IN, 300, "198.18.66.66", Name.root), Section.ANSWER);
                send(tld, real.toWire(), client, sent);
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Message forgedReferral(ParsedQuery.Query q) throws Exception {
        Message m = new Message(q.id());
        m.getHeader().setFlag(Flags.QR);
        m.addRecord(q.question(), Section.QUESTION);
        m.addRecord(Record.fromString(Name.fromString("example.com."), Type.NS, DClass.IN, 172800, "ns.evil.net.", Name.root), Section.AUTHORITY);
        m.addRecord(Record.fromString(Name.fromString("ns.evil.net."), Type.A, DClass.IN, 172800, "198.18.66.66", Name.root), Section.ADDITIONAL);
        return m;
    }

    private static void send(DatagramSocket s, byte[] wire, InetSocketAddress to, AtomicInteger sent) throws Exception {
        s.send(new DatagramPacket(wire, wire.length, to));
        sent.incrementAndGet();
    }
}
