package dev.roundtrip.edge.l4;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.cluster.RetryDecision;
import dev.roundtrip.edge.config.PolicyConfig;
import dev.roundtrip.edge.config.ProxyProtocol;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.client.UpstreamFailure;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on a TCP-mode listener, from accept to close: picks an endpoint with the
 * cluster's policy, connects to it (on the client connection's event loop; a refused or timed-out
 * connect moves on to another endpoint, which the client cannot notice because no byte has been
 * relayed yet), optionally sends a PROXY v2 header, then relays bytes both ways.
 *
 * <p>The relay keeps TCP's semantics end to end: backpressure (a side stops reading while the other
 * side's socket buffer is full), half-close (a FIN from one side becomes a FIN to the other, the
 * other direction keeps flowing), a reset from one side becomes a reset to the other (SO_LINGER 0),
 * and no byte in either direction for the idle timeout closes both.
 *
 * <p>Threading: every method runs on the client connection's event loop, the upstream connection
 * is registered on that same loop, so the state below needs no locks.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final TcpListener listener;
    private final Cluster cluster;
    private final TcpMetrics metrics;
    private final Network network;
    private final Transport transport;
    private final MonotonicClock clock;
    private final Set<Endpoint> tried = new HashSet<>();
    private Channel downstream;
    private Channel upstream;
    private Endpoint endpoint;
    private TcpMetrics.EndpointCounters counters;
    private String hashKey;
    private int attempts;
    private boolean downstreamInputShut;
    private boolean upstreamInputShut;

    TcpConnection(TcpListener listener, Network network, Transport transport, MonotonicClock clock) {
        this.listener = listener;
        this.cluster = listener.cluster();
        this.metrics = listener.metrics();
        this.network = network;
        this.transport = transport;
        this.clock = clock;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        downstream = ctx.channel();
        metrics.open.increment();
        metrics.total.increment();
        downstream.closeFuture().addListener(f -> metrics.open.decrement());
        if (cluster.config().policy() instanceof PolicyConfig.HashSourceIp
                && downstream.remoteAddress() instanceof InetSocketAddress client) {
            hashKey = client.getAddress().getHostAddress();
        }
        cluster.requestStarted();
        connect();
        ctx.fireChannelActive();
    }

    /** Decides the next endpoint and connects to it; closes the client connection when none is left. */
    private void connect() {
        Endpoint e = cluster.pick(hashKey, tried);
        if (e == null || !downstream.isActive()) {
            if (e == null) {
                metrics.noEndpoint.increment();
                log.debug("{} {}: no endpoint of cluster {} could be connected after {} attempts", listener.name(), downstream.id(),
                        cluster.name(), attempts);
            }
            downstream.close();
            return;
        }
        tried.add(e);
        attempts++;
        e.requestStarted(); // least-request counts this connection until it closes
        long startNanos = clock.nanoTime();
        InetSocketAddress target = network.connectAddress(e.address());
        Bootstrap b = new Bootstrap().group(downstream.eventLoop()).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cluster.config().pool().connectTimeout().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter());
        b.connect(target).addListener((ChannelFuture f) -> connected(e, f, startNanos));
    }

    private void connected(Endpoint e, ChannelFuture f, long startNanos) {
        TcpMetrics.EndpointCounters c = metrics.of(e);
        if (!f.isSuccess()) {
            e.requestFinished();
            c.connectFailures.increment();
            Throwable cause = f.cause();
            UpstreamFailure.Kind kind = cause instanceof ConnectTimeoutException ? UpstreamFailure.Kind.CONNECT_TIMEOUT : UpstreamFailure.Kind.CONNECT_REFUSED;
            cluster.failed(e, new UpstreamFailure(kind, "connect to " + e.label() + " failed: " + cause.getMessage()));
            log.debug("{} {}: connect to {} failed ({}), attempt {}", listener.name(), downstream.id(), e.label(), cause.getMessage(), attempts);
            if (!downstream.isActive()) {
                return; // the client left while we connected
            }
            // The L7 decision, unchanged: a failed connect sent nothing, so the method plays no part;
            // num_retries and the retry budget do.
            switch (RetryDecision.decide(kind, "CONNECT", attempts, cluster.config().retry(), false, cluster::tryRetry)) {
                case RetryDecision.Retry r -> connect();
                case RetryDecision.GiveUp g -> {
                    log.debug("{} {}: closing the client connection: {}", listener.name(), downstream.id(), g.reason());
                    metrics.noEndpoint.increment();
                    downstream.close();
                }
            }
            return;
        }
        Channel up = f.channel();
        if (!downstream.isActive()) { // the client left while we connected
            e.requestFinished();
            up.close();
            return;
        }
        long now = clock.nanoTime();
        e.latency().observe(now - startNanos, now); // peak EWMA at L4 weighs connect times
        e.health().requestSucceeded();
        upstream = up;
        endpoint = e;
        counters = c;
        c.open.increment();
        c.total.increment();
        up.closeFuture().addListener(x -> {
            c.open.decrement();
            e.requestFinished();
        });
        up.pipeline().addLast("relay", new RelayHandler(false));
        downstream.pipeline().addLast("relay", new RelayHandler(true));
        if (cluster.config().proxyProtocol() == ProxyProtocol.V2
                && downstream.remoteAddress() instanceof InetSocketAddress client
                && downstream.localAddress() instanceof InetSocketAddress local) {
            up.pipeline().addFirst("proxy-protocol", HAProxyMessageEncoder.INSTANCE);
            up.writeAndFlush(ProxyHeaders.v2(client, local));
            up.pipeline().remove("proxy-protocol");
        }
        downstream.config().setAutoRead(true);
        up.config().setAutoRead(true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            metrics.idleTimeouts.increment();
            log.debug("{} {}: idle timeout, closing both sides", listener.name(), downstream.id());
            closeBoth();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (upstream != null) {
            ctx.fireExceptionCaught(cause); // the relay resets the upstream side too
            return;
        }
        // Before the relay is set up: the client broke its connection while we connected upstream.
        log.debug("{} {}: client connection failed before relaying: {}", listener.name(), ctx.channel().id(), cause.toString());
        ctx.close();
    }

    private void closeBoth() {
        downstream.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Resets {@code ch}: SO_LINGER 0 makes the close send RST instead of FIN, as the broken peer did. */
    private static void reset(Channel ch) {
        if (!ch.isOpen()) {
            return;
        }
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException alreadyClosed) {
            // the socket went away in between: nothing left to reset
        }
        ch.close();
    }

    /**
     * Relays one side's bytes to the other side: installed on the client connection
     * ({@code fromClient}) and on the upstream connection once both exist.
     */
    private final class RelayHandler extends ChannelInboundHandlerAdapter {
        private final boolean fromClient;

        RelayHandler(boolean fromClient) {
            this.fromClient = fromClient;
        }

        private Channel peer() {
            return fromClient ? upstream : downstream;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            (fromClient ? counters.bytesFromClients : counters.bytesToClients).add(buf.readableBytes());
            Channel peer = peer();
            peer.write(buf, peer.voidPromise());
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false); // resumes in the peer's channelWritabilityChanged
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer().flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                Channel peer = peer();
                if (peer.isActive() && !(fromClient ? upstreamInputShut : downstreamInputShut)) {
                    peer.config().setAutoRead(true);
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // A FIN: pass it on once the bytes before it are written; the other direction stays open.
                if (fromClient) {
                    downstreamInputShut = true;
                } else {
                    upstreamInputShut = true;
                }
                Channel peer = peer();
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
                    if (f.isSuccess() && peer instanceof DuplexChannel d && !d.isOutputShutdown()) {
                        d.shutdownOutput();
                    }
                });
                if (downstreamInputShut && upstreamInputShut) {
                    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(x -> closeBoth());
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Closed without an error: close the other side after what is queued for it.
            Channel peer = peer();
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or another socket error: the other side gets a reset too, so a client sees the
            // backend's crash the way a direct connection would show it.
            if (!fromClient) {
                counters.upstreamResets.increment();
            }
            // epoll reports a socket the client already tore down as an UncheckedIOException (epoll_ctl ENOENT) when reading resumes.
            if (cause instanceof IOException || cause.getCause() instanceof IOException) {
                log.debug("{} {}: {} connection to {} broke: {}", listener.name(), downstream.id(), fromClient ? "client" : "upstream",
                        endpoint.label(), cause.getMessage());
            } else {
                log.warn("{} {}: relay to {} failed", listener.name(), downstream.id(), endpoint.label(), cause);
            }
            reset(peer());
            reset(ctx.channel());
        }
    }
}
