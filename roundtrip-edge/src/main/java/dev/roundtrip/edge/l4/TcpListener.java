package dev.roundtrip.edge.l4;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.TcpProxyConfig;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener of the load balancer in TCP mode (L4): accepts connections and hands each to a
 * {@link TcpConnection}, which relays its bytes to an endpoint of the listener's cluster. Nothing
 * is parsed, so TLS, HTTP/2 or any other protocol passes through to the backend untouched; the
 * cluster's policy, health checks and passive ejection apply as they do to HTTP requests.
 *
 * <p>The pipeline of an accepted connection, in order: idle timer, then the connection's handler
 * (connect upstream, then relay). The socket starts with reading off, so no client byte is read
 * before the upstream connection exists to take it.
 */
public final class TcpListener {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final ListenerConfig config;
    private final TcpProxyConfig tcp;
    private final Cluster cluster;
    private final Network network;
    private final MonotonicClock clock;
    private final TcpMetrics metrics;
    private volatile Channel server;

    /** @param cluster the run-time cluster named by {@code config.tcpProxy().cluster()} */
    public TcpListener(ListenerConfig config, Cluster cluster, Network network, MonotonicClock clock) {
        this.config = config;
        this.tcp = config.tcpProxy().orElseThrow(() -> new IllegalArgumentException("listener " + config.name() + " is not in mode tcp"));
        this.cluster = cluster;
        this.network = network;
        this.clock = clock;
        this.metrics = new TcpMetrics(config.name(), cluster.endpoints());
    }

    public String name() {
        return config.name();
    }

    Cluster cluster() {
        return cluster;
    }

    /** This listener's connection counters. */
    public TcpMetrics metrics() {
        return metrics;
    }

    /** Binds the listener's (lab) address; completes with it, or with a {@link BindException} naming it. */
    public CompletableFuture<BoundAddress> bind(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers) {
        CompletableFuture<BoundAddress> result = new CompletableFuture<>();
        InetSocketAddress lab = config.address();
        InetSocketAddress real;
        try {
            real = network.bindAddress(lab);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        long idleNanos = tcp.idleTimeout().toNanos();
        new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
                        ch.pipeline().addLast("connection", new TcpConnection(TcpListener.this, network, transport, clock));
                    }
                })
                .bind(real)
                .addListener((ChannelFuture done) -> {
                    if (done.isSuccess()) {
                        server = done.channel();
                        InetSocketAddress actual = (InetSocketAddress) done.channel().localAddress();
                        InetSocketAddress shown = lab.getPort() == 0 ? actual : lab;
                        log.debug("{} listening on {} (tcp -> cluster {})", config.name(), shown, cluster.name());
                        result.complete(new BoundAddress("tcp", shown, actual));
                    } else {
                        String m = String.valueOf(done.cause().getMessage());
                        String what = m.contains("in use") ? "address already in use" : m.contains("assign") ? "address not available" : m;
                        BindException e = new BindException(HostPort.format(lab) + ": " + what);
                        e.initCause(done.cause());
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    /** Stops accepting; connections being relayed go on until they end or their event loop stops. */
    public void close() {
        Channel s = server;
        if (s != null) {
            s.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }
}
