package dev.roundtrip.http.client;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Keep-alive HTTP/1.1 connections from one event loop to one upstream endpoint: the load
 * balancer's side of "keeps its own connection pools to the backends". Responses stream through
 * (see {@link ExchangeListener}); a connection returns to the pool after the last byte of its
 * response body. Idle connections are reused
 * most-recent first (the least likely to have been closed by the upstream), expire after
 * {@link PoolSettings#idleTimeout()}, and leave the pool the moment the upstream closes them.
 *
 * <p>Threading: every method must be called on {@code loop}, which is also the loop of every
 * connection of the pool, so nothing here is locked. One pool per (event loop, endpoint) keeps a
 * request and its upstream connection on the same thread, as nginx and Envoy workers do.
 */
public final class Http1ConnectionPool implements UpstreamPool {

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Supplier<InetSocketAddress> address;
    private final PoolSettings settings;
    private final MonotonicClock clock;
    private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
    private final ArrayDeque<UpstreamConnects.Waiter> waiters = new ArrayDeque<>();
    private final ScheduledFuture<?> sweeper;
    private int open; // connected or connecting
    private long created;
    private boolean closed;

    /**
     * @param address where to connect, asked at each connect (the embedded network may map it late);
     *     an {@link IllegalArgumentException} from it fails the request as {@code CONNECT_REFUSED}
     */
    public Http1ConnectionPool(EventLoop loop, Transport transport, Supplier<InetSocketAddress> address,
            PoolSettings settings, MonotonicClock clock) {
        this.loop = loop;
        this.address = address;
        this.settings = settings;
        this.clock = clock;
        HttpDecoderConfig decoder = new HttpDecoderConfig().setMaxInitialLineLength(8192).setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
        this.bootstrap = UpstreamConnects.bootstrap(loop, transport, settings, new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Http1Connection connection = new Http1Connection(ch, Http1ConnectionPool.this, decoder);
                        ch.config().setAutoClose(false); // a failed write shuts the output only: see Http1Connection#exceptionCaught
                        ch.pipeline().addLast(connection.decoder(), new HttpRequestEncoder(), connection);
                    }
                });
        this.sweeper = UpstreamConnects.sweeper(loop, settings, this::closeExpired);
    }

    /**
     * Sends {@code request} (the pool takes ownership) on an idle connection, a new one, or after
     * waiting for one; tells {@code listener} how it ends. A response timeout of 0 means none.
     */
    @Override
    public void send(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener listener) {
        assert loop.inEventLoop();
        if (closed) {
            ReferenceCountUtil.release(request);
            listener.failed(new UpstreamFailure(UpstreamFailure.Kind.POOL_FULL, "connection pool closed"));
            return;
        }
        Http1Connection connection = pollIdle();
        if (connection != null) {
            listener.connectionAcquired(true, 0);
            connection.exchange(request, responseTimeoutNanos, listener);
        } else if (open < settings.maxConnections()) {
            connect(request, responseTimeoutNanos, listener);
        } else if (waiters.size() < settings.maxPending()) {
            waiters.add(new UpstreamConnects.Waiter(request, responseTimeoutNanos, listener));
        } else {
            ReferenceCountUtil.release(request);
            listener.failed(new UpstreamFailure(UpstreamFailure.Kind.POOL_FULL,
                    "all " + open + " upstream connections busy and " + waiters.size() + " requests waiting"));
        }
    }

    /** Idle connections now. */
    @Override
    public int idleConnections() {
        return idle.size();
    }

    /** Connections open or opening now (idle ones included). */
    @Override
    public int openConnections() {
        return open;
    }

    /** Requests waiting for a connection now. */
    public int waitingRequests() {
        return waiters.size();
    }

    /** Connections opened since the pool was made. */
    @Override
    public long connectionsCreated() {
        return created;
    }

    /** Closes idle connections and fails waiting requests; busy connections finish, then close. */
    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        for (Http1Connection c : idle) {
            c.channel().close();
        }
        idle.clear();
        while (!waiters.isEmpty()) {
            UpstreamConnects.Waiter w = waiters.poll();
            ReferenceCountUtil.release(w.request());
            w.listener().failed(new UpstreamFailure(UpstreamFailure.Kind.POOL_FULL, "connection pool closed"));
        }
    }

    private Http1Connection pollIdle() {
        long now = clock.nanoTime();
        Http1Connection c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel().isActive() && now - c.idleSinceNanos() < settings.idleTimeout().toNanos()) {
                return c;
            }
            c.channel().close();
        }
        return null;
    }

    private void connect(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener listener) {
        InetSocketAddress target;
        try {
            target = address.get();
        } catch (IllegalArgumentException e) {
            ReferenceCountUtil.release(request);
            listener.failed(new UpstreamFailure(UpstreamFailure.Kind.CONNECT_REFUSED, e.getMessage()));
            return;
        }
        open++;
        created++;
        long start = clock.nanoTime();
        ChannelFuture f = bootstrap.connect(target);
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                Http1Connection connection = done.channel().pipeline().get(Http1Connection.class);
                done.channel().closeFuture().addListener(x -> connectionClosed(connection));
                listener.connectionAcquired(false, clock.nanoTime() - start);
                connection.exchange(request, responseTimeoutNanos, listener);
            } else {
                open--;
                ReferenceCountUtil.release(request);
                Throwable cause = done.cause();
                UpstreamFailure.Kind kind = cause instanceof ConnectTimeoutException
                        ? UpstreamFailure.Kind.CONNECT_TIMEOUT : UpstreamFailure.Kind.CONNECT_REFUSED;
                listener.failed(new UpstreamFailure(kind, describeConnectFailure(cause)));
                serveWaiter();
            }
        });
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

    /** Called by a connection whose exchange ended; {@code reusable} when both sides keep it alive. */
    void exchangeDone(Http1Connection connection, boolean reusable) {
        if (!reusable || closed || !connection.channel().isActive()) {
            connection.channel().close();
            return;
        }
        UpstreamConnects.Waiter w = waiters.poll();
        if (w != null) {
            w.listener().connectionAcquired(true, 0);
            connection.exchange(w.request(), w.responseTimeoutNanos(), w.listener());
            return;
        }
        connection.markIdle(clock.nanoTime());
        idle.addLast(connection);
    }

    private void connectionClosed(Http1Connection connection) {
        open--;
        idle.remove(connection);
        serveWaiter();
    }

    private void serveWaiter() {
        if (!waiters.isEmpty() && open < settings.maxConnections() && !closed) {
            UpstreamConnects.Waiter w = waiters.poll();
            connect(w.request(), w.responseTimeoutNanos(), w.listener());
        }
    }

    private void closeExpired() {
        long now = clock.nanoTime();
        long max = settings.idleTimeout().toNanos();
        // Oldest first: the deque is ordered by when each connection became idle.
        while (!idle.isEmpty() && now - idle.peekFirst().idleSinceNanos() >= max) {
            idle.pollFirst().channel().close();
        }
    }

    MonotonicClock clock() {
        return clock;
    }
}
