package dev.roundtrip.edge.proxy;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.client.Http1ConnectionPool;
import dev.roundtrip.http.client.PoolSettings;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every upstream connection pool of the balancer: one per (worker event loop, endpoint), made on
 * first use by that loop. A request is proxied on its downstream connection's loop through that
 * loop's pool, so a request never changes threads.
 */
public final class UpstreamPools {
    private final Map<EventExecutor, Http1ConnectionPool[]> byLoop = new IdentityHashMap<>();
    private final Function<Endpoint, PoolSettings> settings;
    private final Network network;
    private final Transport transport;
    private final MonotonicClock clock;

    /** @param endpoints every endpoint of every cluster, indexed by {@link Endpoint#id()} */
    public UpstreamPools(EventLoopGroup workers, List<Endpoint> endpoints, Function<Endpoint, PoolSettings> settings,
            Network network, Transport transport, MonotonicClock clock) {
        this.settings = settings;
        this.network = network;
        this.transport = transport;
        this.clock = clock;
        for (EventExecutor loop : workers) {
            byLoop.put(loop, new Http1ConnectionPool[endpoints.size()]);
        }
    }

    /** The pool of {@code loop} for {@code endpoint}; call on {@code loop}. */
    public Http1ConnectionPool pool(EventLoop loop, Endpoint endpoint) {
        Http1ConnectionPool[] pools = byLoop.get(loop);
        Http1ConnectionPool p = pools[endpoint.id()];
        if (p == null) {
            p = new Http1ConnectionPool(loop, transport, () -> network.connectAddress(endpoint.address()),
                    settings.apply(endpoint), clock);
            pools[endpoint.id()] = p;
        }
        return p;
    }

    /** Open upstream connections to {@code e} over all loops (read without locks: a gauge, may lag). */
    public int openConnections(Endpoint e) {
        int n = 0;
        for (Http1ConnectionPool[] pools : byLoop.values()) {
            Http1ConnectionPool p = pools[e.id()];
            n += p == null ? 0 : p.openConnections();
        }
        return n;
    }

    /** Idle upstream connections to {@code e} over all loops (a gauge, may lag). */
    public int idleConnections(Endpoint e) {
        int n = 0;
        for (Http1ConnectionPool[] pools : byLoop.values()) {
            Http1ConnectionPool p = pools[e.id()];
            n += p == null ? 0 : p.idleConnections();
        }
        return n;
    }

    /** Connections opened to {@code e} since start (a gauge, may lag). */
    public long connectionsCreated(Endpoint e) {
        long n = 0;
        for (Http1ConnectionPool[] pools : byLoop.values()) {
            Http1ConnectionPool p = pools[e.id()];
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
                for (Http1ConnectionPool p : pools) {
                    if (p != null) {
                        p.close();
                    }
                }
            });
        });
    }
}
