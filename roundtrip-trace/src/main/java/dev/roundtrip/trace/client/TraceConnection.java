package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.TraceRequest;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One open connection of the tracing client, TCP (and TLS) done, HTTP/1.1 or HTTP/2 on top. It
 * carries one exchange at a time and reports the request-level events (request, first byte,
 * headers, end) of that exchange to the call's listener. The {@link ConnectionPool} keeps it
 * between calls.
 */
public abstract sealed class TraceConnection permits Http1Connection, Http2Connection, Http3Connection {
    private final int id;
    private final Channel channel;
    private final InetSocketAddress remote;
    private final TlsInfo tls;

    TraceConnection(int id, Channel channel, InetSocketAddress remote, TlsInfo tls) {
        this.id = id;
        this.channel = channel;
        this.remote = remote;
        this.tls = tls;
    }

    /**
     * Sends {@code request} and reads the whole response, reporting requestStart/End,
     * responseStart, responseHeaders and responseEnd to {@code listener}. The future fails with a
     * {@link dev.roundtrip.trace.TraceException} naming the phase; it never blocks the caller.
     */
    public abstract CompletableFuture<Response> exchange(TraceRequest request, RequestListener listener, Duration timeout);

    /** Whether another exchange may use this connection (open, idle, not told to go away). */
    public abstract boolean reusable();

    /** "HTTP/1.1", "h2" or "h3". */
    public abstract String protocol();

    /** A number for this connection, unique within its tracer: shows which calls shared one. */
    public int id() {
        return id;
    }

    /** The address connected to, as the user knows it (the lab address on the embedded network). */
    public InetSocketAddress remote() {
        return remote;
    }

    /** What the TLS handshake settled on; null for cleartext. */
    public TlsInfo tls() {
        return tls;
    }

    public Channel channel() {
        return channel;
    }

    public void close() {
        channel.close();
    }

    /** Runs {@code task} on the connection's event loop: at once when already there (a call chained on the handshake). */
    void onEventLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /** "host:port" for messages. */
    String target() {
        return dev.roundtrip.core.net.HostPort.format(remote);
    }
}
