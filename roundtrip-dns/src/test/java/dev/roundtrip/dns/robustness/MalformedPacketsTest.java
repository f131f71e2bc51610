package dev.roundtrip.dns.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ManualClock;
import dev.roundtrip.dns.MiniInternet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Untrusted bytes against both kinds of server: 10,000 malformed, truncated, bit-flipped and random
 * datagrams each, plus garbage TCP streams. Every reply must parse and be an answer or an error
 * code; valid queries keep being answered during and after. A fixed seed keeps it reproducible.
 */
class MalformedPacketsTest {
    static final int PACKETS = 10_000;
    static MiniInternet net;

    @BeforeAll
    static void start() throws Exception {
        net = new MiniInternet(new ManualClock());
    }

    @AfterAll
    static void stop() throws Exception {
        net.close();
    }

    @Test
    void authoritativeServerSurvives() throws Exception {
        flood(net.real(MiniInternet.AUTH), 1);
        assertThat(net.auth.health().isServing()).isTrue();
        assertThat(net.auth.formErrors()).isGreaterThan(PACKETS / 4);
    }

    @Test
    void recursiveResolverSurvives() throws Exception {
        flood(net.real(MiniInternet.RESOLVER), 2);
        assertThat(net.resolver.health().isServing()).isTrue();
    }

    static void flood(InetSocketAddress target, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] valid = Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.A, DClass.IN)).toWire();
        AtomicInteger replies = new AtomicInteger();
        AtomicInteger unparseable = new AtomicInteger();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setReceiveBufferSize(4 << 20);
            s.setSoTimeout(50);
            Thread reader = Thread.ofVirtual().start(() -> drain(s, replies, unparseable));
            for (int i = 0; i < PACKETS; i++) {
                byte[] packet = malformed(random, valid, i);
                s.send(new DatagramPacket(packet, packet.length, target));
                if (i % 2_000 == 1_999) {
                    assertAnswers(target); // during the flood
                    Thread.sleep(5);
                }
            }
            Thread.sleep(300);
            reader.interrupt();
            reader.join(2_000);
        }
        tcpGarbage(target, random, valid);
        assertAnswers(target); // after the flood
        assertThat(unparseable.get()).as("replies that did not parse").isZero();
        assertThat(replies.get()).as("replies to the flood").isPositive();
    }

    /** One hostile packet: random bytes, a truncated query, a bit-flipped query, or a header lying about counts. */
    static byte[] malformed(Random random, byte[] valid, int i) {
        switch (i % 5) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(64)];
                random.nextBytes(b);
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(valid, random.nextInt(valid.length));
            }
            case 2 -> {
                byte[] b = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int bit = random.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                b[2] &= 0x7f; // keep QR=0 so the server parses it
                return b;
            }
            case 3 -> {
                byte[] b = valid.clone();
                for (int k = 4; k < 12; k++) {
                    b[k] = (byte) random.nextInt(256); // counts that lie
                }
                return b;
            }
            default -> {
                // A compression pointer loop in the question name.
                byte[] b = Arrays.copyOf(valid, 12 + 6);
                b[12] = (byte) 0xc0;
                b[13] = 12;
                return b;
            }
        }
    }

    static void drain(DatagramSocket s, AtomicInteger replies, AtomicInteger unparseable) {
        byte[] buf = new byte[65535];
        while (!Thread.currentThread().isInterrupted()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                replies.incrementAndGet();
                try {
                    Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                    int rcode = m.getHeader().getRcode();
                    if (rcode != Rcode.NOERROR && rcode != Rcode.FORMERR && rcode != Rcode.NOTIMP && rcode != Rcode.REFUSED
                            && rcode != Rcode.NXDOMAIN && rcode != Rcode.SERVFAIL) {
                        unparseable.incrementAndGet();
                    }
                } catch (IOException e) {
                    unparseable.incrementAndGet();
                }
            } catch (SocketTimeoutException timeout) {
                // keep draining until interrupted
            } catch (IOException e) {
                return;
            }
        }
    }

    static void tcpGarbage(InetSocketAddress target, Random random, byte[] valid) throws IOException {
        for (int c = 0; c < 50; c++) {
            try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
                socket.setSoTimeout(2_000);
                java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(stream);
                for (int i = 0; i < 10; i++) {
                    byte[] body = malformed(random, valid, i + c);
                    out.writeShort(body.length);
                    out.write(body);
                }
                if (c % 10 == 0) {
                    byte[] junk = new byte[100];
                    random.nextBytes(junk);
                    out.write(junk); // framing garbage: the server may close this connection
                }
                try {
                    socket.getOutputStream().write(stream.toByteArray());
                    socket.shutdownOutput();
                } catch (java.net.SocketException closedByServer) {
                    continue; // a server may close a connection that sent garbage (RFC 7766 section 6.2.3)
                }
                DataInputStream in = new DataInputStream(socket.getInputStream());
                try {
                    while (true) {
                        int len = in.readUnsignedShort();
                        byte[] reply = in.readNBytes(len);
                        new Message(reply); // every reply parses
                    }
                } catch (java.io.EOFException | SocketTimeoutException | java.net.SocketException end) {
                    // the server closed or had nothing more to say
                }
            }
        }
    }

    static void assertAnswers(InetSocketAddress target) throws IOException {
        SimpleResolver r = new SimpleResolver(target);
        r.setTimeout(Duration.ofSeconds(2));
        Message m = null;
        for (int attempt = 0; m == null; attempt++) {
            try {
                m = r.send(Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.A, DClass.IN)));
            } catch (IOException lost) {
                if (attempt == 2) {
                    throw lost; // a datagram may be lost under a flood, three in a row means no service
                }
            }
        }
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString).contains("198.18.1.10");
    }
}
