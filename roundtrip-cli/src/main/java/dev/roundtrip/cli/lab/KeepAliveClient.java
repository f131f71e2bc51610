package dev.roundtrip.cli.lab;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One client of the failover experiment: an HTTP/1.1 keep-alive connection over a plain socket,
 * sending GETs one after the other. It never retries: a request that fails is recorded as what it
 * was (a reset, a close, a timeout) and the next request opens a new connection, so the table
 * shows exactly what the balancer let through. Written on raw sockets because a full HTTP client
 * would hide resets behind its own retries.
 */
final class KeepAliveClient implements AutoCloseable {
    private final InetSocketAddress target;
    private final int timeoutMillis;
    private Socket socket;

    KeepAliveClient(InetSocketAddress target, Duration timeout) {
        this.target = target;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    /** Sends {@code GET path} and reads the whole response; records what happened in {@code tally}. */
    void get(String path, FailoverTally tally) {
        long start = System.nanoTime();
        try {
            if (socket == null) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.setSoTimeout(timeoutMillis);
                s.connect(target, timeoutMillis);
                socket = s;
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: failover.lab\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int status = readResponse(socket.getInputStream());
            tally.record(Outcome.ofStatus(status), System.nanoTime() - start);
        } catch (IOException e) {
            tally.record(Outcome.of(e), System.nanoTime() - start);
            close();
        }
    }

    /** Reads one response (status line, headers, Content-Length body); returns its status; closes after "Connection: close". */
    private int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = number(parts[1]);
        long length = 0;
        boolean close = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = number(lower.substring("content-length:".length()).strip());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        in.skipNBytes(length); // EOFException when the connection ends inside the body
        if (close) {
            close();
        }
        return status;
    }

    private static int number(String text) throws IOException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException("not a number in the response head: " + text);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed before a complete response");
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new IOException("header line longer than 8 KiB");
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken socket: nothing more to learn
            }
            socket = null;
        }
    }
}
