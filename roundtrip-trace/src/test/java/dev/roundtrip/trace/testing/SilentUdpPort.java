package dev.roundtrip.trace.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP port on loopback where datagrams go in and nothing comes out: "UDP is blocked" or "a
 * middlebox drops QUIC", as a client sees it. Because the port is bound, the kernel sends no ICMP
 * port-unreachable either, so a QUIC client learns nothing until its own timeout. It remembers
 * who sent what, so a test can see that a QUIC attempt really left and from which socket.
 */
public final class SilentUdpPort implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<InetSocketAddress> senders = new CopyOnWriteArrayList<>();
    private final Thread reader;

    public SilentUdpPort() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        reader = Thread.ofPlatform().daemon().name("silent-udp").start(this::swallow);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The source address of every datagram received so far, in arrival order. */
    public List<InetSocketAddress> senders() {
        return List.copyOf(senders);
    }

    private void swallow() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException closed) {
                return;
            }
            senders.add((InetSocketAddress) p.getSocketAddress());
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(1000);
    }
}
