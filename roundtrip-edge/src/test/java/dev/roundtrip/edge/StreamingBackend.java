package dev.roundtrip.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 upstream on plain blocking sockets whose responses are written piece by piece, so a
 * test controls and observes the sending side of a streamed response:
 * <ul>
 *   <li>{@code /stream}: a chunked head and a first chunk {@code first}, then waits for
 *       {@link #proceed} before the chunk {@code second} and the end;
 *   <li>{@code /big}: {@link #BIG} bytes with a Content-Length, written as fast as the
 *       connection takes them; {@link #written} counts what the socket accepted;
 *   <li>{@code /cut}: a chunked head and a chunk {@code partial}, then the connection is reset.
 * </ul>
 */
final class StreamingBackend implements AutoCloseable {
    static final int BIG = 32 * 1024 * 1024;

    final CountDownLatch proceed = new CountDownLatch(1);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong written = new AtomicLong();
    private final ServerSocket server;

    StreamingBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("streaming-backend").start(this::accept);
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setSendBufferSize(64 * 1024);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String head;
            while ((head = readHead(in)) != null) {
                String path = head.split(" ", 3)[1];
                requests.incrementAndGet();
                switch (path) {
                    case "/stream" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Backend: streaming\r\n\r\n"));
                        out.write(chunk("first"));
                        out.flush();
                        if (!proceed.await(20, TimeUnit.SECONDS)) {
                            return;
                        }
                        out.write(chunk("second"));
                        out.write(ascii("0\r\n\r\n"));
                        out.flush();
                    }
                    case "/big" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n"));
                        byte[] block = new byte[16 * 1024];
                        for (int sent = 0; sent < BIG; sent += block.length) {
                            out.write(block);
                            written.addAndGet(block.length);
                        }
                        out.flush();
                    }
                    case "/cut" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                        out.write(chunk("partial"));
                        out.flush();
                        Thread.sleep(50);
                        s.setSoLinger(true, 0); // close with RST: a crash in the middle of the body
                        return;
                    }
                    default -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                        out.flush();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the balancer closed the connection: nothing more to serve
        }
    }

    /** The request head up to the blank line (requests here have no body), or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static byte[] chunk(String text) {
        return ascii(Integer.toHexString(text.length()) + "\r\n" + text + "\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        proceed.countDown();
        server.close();
    }
}
