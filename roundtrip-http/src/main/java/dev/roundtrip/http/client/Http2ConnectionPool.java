package dev.roundtrip.http.client;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cleartext HTTP/2 connections by prior knowledge (RFC 9113 section 3.3) from one event loop to
 * one upstream endpoint: requests are multiplexed as streams over as few connections as the
 * upstream's SETTINGS_MAX_CONCURRENT_STREAMS allow (at most {@value #DEFAULT_MAX_STREAMS} each),
 * a new connection is opened only when every open one is full. A connection that received GOAWAY
 * takes no new stream and closes when its streams end; streams it refused fail as
 * {@link UpstreamFailure.Kind#STREAM_REFUSED}, which any method may retry. Responses stream to
 * the {@link ExchangeListener} as with {@link Http1ConnectionPool}, paused through HTTP/2 flow
 * control.
 *
 * <p>Threading: every method must be called on {@code loop}, the loop of all its connections.
 */
public final class Http2ConnectionPool implements UpstreamPool {
    /** Streams per connection when the upstream allows more (or has not said yet). */
    static final int DEFAULT_MAX_STREAMS = 100;


    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Supplier<InetSocketAddress> address;
    private final PoolSettings settings;
    private final MonotonicClock clock;
    private final List<Http2UpstreamConnection> usable = new ArrayList<>(2); // open, no GOAWAY
    private final ArrayDeque<UpstreamConnects.Waiter> waiters = new ArrayDeque<>();
    private final ScheduledFuture<?> sweeper;
    private int open; // connected or connecting
    private int connecting;
    private long created;
    private boolean closed;

    /**
     * @param address where to connect, asked at each connect; an {@link IllegalArgumentException}
     *     from it fails the waiting requests as {@code CONNECT_REFUSED}
     */
    public Http2ConnectionPool(EventLoop loop, Transport transport, Supplier<InetSocketAddress> address,
            PoolSettings settings, MonotonicClock clock) {
        this.loop = loop;
        this.address = address;
        this.settings = settings;
        this.clock = clock;
        this.bootstrap = UpstreamConnects.bootstrap(loop, transport, settings, new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                Http2FrameCodecBuilder.forClient()
                                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                                        .build(),
                                // Pushed streams are refused (push is off); our streams get their own handlers.
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new Http2UpstreamConnection(ch, Http2ConnectionPool.this));
                    }
                });
        this.sweeper = UpstreamConnects.sweeper(loop, settings, this::closeExpired);
    }

    @Override
    public void send(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener listener) {
        assert loop.inEventLoop();
        if (closed) {
            ReferenceCountUtil.release(request);
            listener.failed(new UpstreamFailure(UpstreamFailure.Kind.POOL_FULL, "connection pool closed"));
            return;
        }
        Http2UpstreamConnection c = withRoom();
        if (c != null && waiters.isEmpty()) {
            listener.connectionAcquired(true, 0);
            c.openStream(new UpstreamConnects.Waiter(request, responseTimeoutNanos, listener), clock);
            return;
        }
        if (waiters.size() >= settings.maxPending() + DEFAULT_MAX_STREAMS * connecting) {
            ReferenceCountUtil.release(request);
            listener.failed(new UpstreamFailure(UpstreamFailure.Kind.POOL_FULL,
                    "all " + open + " upstream HTTP/2 connections full and " + waiters.size() + " requests waiting"));
            return;
        }
        waiters.add(new UpstreamConnects.Waiter(request, responseTimeoutNanos, listener));
        serveWaiters();
    }

    @Override
    public int idleConnections() {
        int n = 0;
        for (Http2UpstreamConnection c : usable) {
            n += c.activeStreams() == 0 ? 1 : 0;
        }
        return n;
    }

    @Override
    public int openConnections() {
        return open;
    }

    @Override
    public long connectionsCreated() {
        return created;
    }

    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        for (Http2UpstreamConnection c : List.copyOf(usable)) {
            c.retire();
        }
        usable.clear();
        failWaiters(UpstreamFailure.Kind.POOL_FULL, "connection pool closed");
    }

    /** The first usable connection with room for another stream (first fit keeps the connections few). */
    private Http2UpstreamConnection withRoom() {
        for (Http2UpstreamConnection c : usable) {
            if (c.hasRoom()) {
                return c;
            }
        }
        return null;
    }

    /** Puts waiting requests on connections with room, and connects when they are all full. */
    void serveWaiters() {
        while (!waiters.isEmpty() && !closed) {
            Http2UpstreamConnection c = withRoom();
            if (c == null) {
                if (connecting * DEFAULT_MAX_STREAMS < waiters.size() && open < settings.maxConnections()) {
                    connect();
                }
                return;
            }
            UpstreamConnects.Waiter w = waiters.poll();
            w.listener().connectionAcquired(c.streamsOpened() > 0, 0);
            c.openStream(w, clock);
        }
    }

    private void connect() {
        InetSocketAddress target;
        try {
            target = address.get();
        } catch (IllegalArgumentException e) {
            failWaiters(UpstreamFailure.Kind.CONNECT_REFUSED, e.getMessage());
            return;
        }
        open++;
        connecting++;
        created++;
        ChannelFuture f = bootstrap.connect(target);
        f.addListener((ChannelFuture done) -> {
            connecting--;
            if (done.isSuccess()) {
                Http2UpstreamConnection c = done.channel().pipeline().get(Http2UpstreamConnection.class);
                done.channel().closeFuture().addListener(x -> connectionClosed(c));
                if (closed) {
                    c.retire();
                } else {
                    usable.add(c);
                    serveWaiters();
                }
            } else {
                open--;
                Throwable cause = done.cause();
                if (connecting == 0) { // no connection on its way: the waiters go elsewhere
                    failWaiters(cause instanceof ConnectTimeoutException ? UpstreamFailure.Kind.CONNECT_TIMEOUT
                            : UpstreamFailure.Kind.CONNECT_REFUSED, describeConnectFailure(cause));
                }
            }
        });
    }

    private void failWaiters(UpstreamFailure.Kind kind, String detail) {
        UpstreamConnects.Waiter w;
        while ((w = waiters.poll()) != null) {
            ReferenceCountUtil.release(w.request());
            w.listener().failed(new UpstreamFailure(kind, detail));
        }
    }

    private static String describeConnectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof ConnectException && cause.getMessage() != null && cause.getMessage().contains("refused")) {
            return "connection refused";
        }
        return "connect failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** A connection received GOAWAY: no new stream goes there. */
    void goingAway(Http2UpstreamConnection c) {
        usable.remove(c);
        serveWaiters();
    }

    /** A stream of {@code c} ended: its place may serve a waiter. */
    void streamEnded(Http2UpstreamConnection c) {
        if (!waiters.isEmpty()) {
            serveWaiters();
        }
    }

    private void connectionClosed(Http2UpstreamConnection c) {
        open--;
        usable.remove(c);
        serveWaiters();
    }

    private void closeExpired() {
        long now = clock.nanoTime();
        long max = settings.idleTimeout().toNanos();
        for (Http2UpstreamConnection c : List.copyOf(usable)) {
            if (c.activeStreams() == 0 && now - c.idleSinceNanos() >= max) {
                usable.remove(c);
                c.retire();
            }
        }
    }
}
