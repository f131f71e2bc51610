package dev.roundtrip.trace.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A UDP relay on a loopback port that holds every answer for a fixed time before passing it on:
 * put between a stub resolver and a real DNS server, it is "a DNS server that answers after 30 ms".
 * Each query goes upstream from its own socket, so answers find their way back to the asker.
 */
public final class DelayingUdpRelay implements AutoCloseable {
    private final DatagramSocket front;
    private final InetSocketAddress upstream;
    private final Duration delay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dns-delay");
        t.setDaemon(true);
        return t;
    });
    private final Thread reader;

    public DelayingUdpRelay(InetSocketAddress upstream, Duration delay) throws SocketException {
        this.front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.upstream = upstream;
        this.delay = delay;
        this.reader = Thread.ofPlatform().daemon().name("dns-relay").start(this::relay);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private void relay() {
        byte[] buf = new byte[4096];
        while (!front.isClosed()) {
            DatagramPacket query = new DatagramPacket(buf, buf.length);
            try {
                front.receive(query);
            } catch (IOException closed) {
                return;
            }
            byte[] bytes = Arrays.copyOf(query.getData(), query.getLength());
            InetSocketAddress asker = (InetSocketAddress) query.getSocketAddress();
            Thread.ofVirtual().start(() -> forward(bytes, asker));
        }
    }

    private void forward(byte[] query, InetSocketAddress asker) {
        try (DatagramSocket up = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            up.setSoTimeout(3000);
            up.send(new DatagramPacket(query, query.length, upstream));
            byte[] buf = new byte[65535];
            DatagramPacket answer = new DatagramPacket(buf, buf.length);
            up.receive(answer);
            byte[] bytes = Arrays.copyOf(answer.getData(), answer.getLength());
            timer.schedule(() -> {
                try {
                    front.send(new DatagramPacket(bytes, bytes.length, asker));
                } catch (IOException ignored) {
                    // the relay closed meanwhile
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IOException ignored) {
            // no answer upstream: the asker times out, as it would without the relay
        }
    }

    @Override
    public void close() throws InterruptedException {
        front.close();
        timer.shutdownNow();
        reader.join(1000);
    }
}
