package dev.roundtrip.edge.proxy;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.client.ExchangeListener;
import dev.roundtrip.edge.config.UpstreamProtocol;
import dev.roundtrip.http.client.Http1ConnectionPool;
import dev.roundtrip.http.client.Http2ConnectionPool;
import dev.roundtrip.http.client.UpstreamPool;
import dev.roundtrip.http.client.PoolSettings;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Every upstream connection pool of the balancer: one per (worker event loop, endpoint), made on
 * first use by that loop with the settings and upstream protocol (HTTP/1.1 or h2c) of the
 * endpoint's cluster. A request is proxied on its
 * downstream connection's loop through that loop's pool, so a request never changes threads. When
 * a reload removes an endpoint, {@link #retire} closes its pools: idle connections now, busy ones
 * after their response.
 */
public final class UpstreamPools {
    private final Map<EventExecutor, LoopPools> byLoop = new IdentityHashMap<>();
    private final Network network;
    private final Transport transport;
    private final MonotonicClock clock;

    /** The pools of one loop, indexed by {@link Endpoint#id()}; written by that loop only, read by gauges anywhere. */
    private static final class LoopPools {
        volatile UpstreamPool[] byEndpoint = new UpstreamPool[16];

        UpstreamPool get(int id) {
            UpstreamPool[] pools = byEndpoint;
            return id < pools.length ? pools[id] : null;
        }

        void set(int id, UpstreamPool pool) {
            UpstreamPool[] pools = byEndpoint;
            if (id >= pools.length) {
                pools = Arrays.copyOf(pools, Math.max(id + 1, pools.length * 2));
            }
            pools[id] = pool;
            byEndpoint = pools;
        }
    }

    public UpstreamPools(EventLoopGroup workers, Network network, Transport transport, MonotonicClock clock) {
        this.network = network;
        this.transport = transport;
        this.clock = clock;
        for (EventExecutor loop : workers) {
            byLoop.put(loop, new LoopPools());
        }
    }

    /**
     * The pool of {@code loop} for {@code endpoint}, made with {@code settings} and {@code protocol}
     * on first use; call on {@code loop}.
     */
    public UpstreamPool pool(EventLoop loop, Endpoint endpoint, PoolSettings settings, UpstreamProtocol protocol) {
        LoopPools pools = byLoop.get(loop);
        UpstreamPool p = pools.get(endpoint.id());
        if (p == null) {
            Supplier<InetSocketAddress> address = () -> network.connectAddress(endpoint.address());
            p = switch (protocol) {
                case H1 -> new Http1ConnectionPool(loop, transport, address, settings, clock);
                case H2C -> new Http2ConnectionPool(loop, transport, address, settings, clock);
            };
            pools.set(endpoint.id(), p);
        }
        return p;
    }

    /**
     * Sends {@code request} to {@code endpoint} through {@code loop}'s pool; call on {@code loop}.
     * An endpoint retired between the pick and now still gets this one request, on a pool that
     * closes right after it.
     */
    public void send(EventLoop loop, Endpoint endpoint, PoolSettings settings, UpstreamProtocol protocol, FullHttpRequest request,
            long responseTimeoutNanos, ExchangeListener listener) {
        UpstreamPool p = pool(loop, endpoint, settings, protocol);
        p.send(request, responseTimeoutNanos, listener);
        if (endpoint.retired()) {
            byLoop.get(loop).set(endpoint.id(), null);
            p.close();
        }
    }

    /** Closes the pools of an endpoint a reload removed: idle connections now, busy ones after their response. */
    public void retire(Endpoint endpoint) {
        byLoop.forEach((loop, pools) -> {
            if (loop.isShuttingDown()) {
                return;
            }
            loop.execute(() -> {
                UpstreamPool p = pools.get(endpoint.id());
                if (p != null) {
                    pools.set(endpoint.id(), null);
                    p.close();
                }
            });
        });
    }

    /** Open upstream connections to {@code e} over all loops (read without locks: a gauge, may lag). */
    public int openConnections(Endpoint e) {
        int n = 0;
        for (LoopPools pools : byLoop.values()) {
            UpstreamPool p = pools.get(e.id());
            n += p == null ? 0 : p.openConnections();
        }
        return n;
    }

    /** Idle upstream connections to {@code e} over all loops (a gauge, may lag). */
    public int idleConnections(Endpoint e) {
        int n = 0;
        for (LoopPools pools : byLoop.values()) {
            UpstreamPool p = pools.get(e.id());
            n += p == null ? 0 : p.idleConnections();
        }
        return n;
    }

    /** Connections opened to {@code e} since start (a gauge, may lag). */
    public long connectionsCreated(Endpoint e) {
        long n = 0;
        for (LoopPools pools : byLoop.values()) {
            UpstreamPool p = pools.get(e.id());
            n += p == null ? 0 : p.connectionsCreated();
        }
        return n;
    }

    /** Closes every pool, each on its own loop. */
    public void close() {
        byLoop.forEach((loop, pools) -> {
            if (loop.isShuttingDown()) {
                return;
            }
            loop.execute(() -> {
                for (UpstreamPool p : pools.byEndpoint) {
                    if (p != null) {
                        p.close();
                    }
                }
            });
        });
    }
}
