package dev.roundtrip.http.client;

import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP/1.1 and HTTP/2 upstream pools share: how they open connections (on the pool's own
 * event loop, no Nagle, the cluster's connect timeout), how often they sweep idle connections, and
 * the request that waits for a connection.
 */
final class UpstreamConnects {
    /** A request waiting for a connection (or, over HTTP/2, a stream). */
    record Waiter(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener listener) {}

    private UpstreamConnects() {}

    /** The bootstrap of a pool's connections; {@code init} sets up each new connection's pipeline. */
    static Bootstrap bootstrap(EventLoop loop, Transport transport, PoolSettings settings, ChannelHandler init) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(init);
    }

    /** Runs {@code sweep} a few times per idle timeout (at least every 100 ms apart). */
    static ScheduledFuture<?> sweeper(EventLoop loop, PoolSettings settings, Runnable sweep) {
        long sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), settings.idleTimeout().toNanos() / 4);
        return loop.scheduleWithFixedDelay(sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
    }
}
