package dev.roundtrip.edge.tunnel;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.config.WebSocketConfig;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every WebSocket tunnel of one balancer shares: the {@link WebSocketConfig} limits, the
 * count of open tunnels (to enforce {@code max_tunnels}), the tunnel metrics shown on the admin
 * listener, and how a tunnel's dedicated upstream connection is made (outside the keep-alive
 * pools: a tunnel holds its connection for its whole life). Thread-safe.
 */
public final class Tunnels {
    /** Why a tunnel ended; a label of {@code roundtrip_lb_websocket_tunnels_closed_total}. */
    public enum CloseReason {
        /** The client closed (close handshake, FIN or END_STREAM). */
        CLIENT,
        /** The backend closed. */
        UPSTREAM,
        /** No frame either way for {@code idle_timeout}. */
        IDLE_TIMEOUT,
        /** Open for {@code max_lifetime}. */
        MAX_LIFETIME,
        /** The balancer drained. */
        DRAIN,
        /** A peer sent a frame over {@code max_frame_bytes} or broke the framing. */
        PROTOCOL_ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final WebSocketConfig config;
    private final Network network;
    private final Transport transport;
    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private final LongAdder framesUp = new LongAdder();
    private final LongAdder framesDown = new LongAdder();
    private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    public Tunnels(WebSocketConfig config, Network network, Transport transport) {
        this.config = config;
        this.network = network;
        this.transport = transport;
        for (CloseReason r : CloseReason.values()) {
            closed.put(r, new LongAdder());
        }
    }

    public WebSocketConfig config() {
        return config;
    }

    /** Tunnels open now (after the backend's 101, until both sides closed). */
    public int open() {
        return open.get();
    }

    /** Tunnels opened since start. */
    public long total() {
        return opened.sum();
    }

    /** Tunnels that ended for {@code reason} since start. */
    public long closed(CloseReason reason) {
        return closed.get(reason).sum();
    }

    /**
     * The client connections that carry open tunnels now (an HTTP/2 connection once however many
     * streams it tunnels): where {@link dev.roundtrip.edge.proxy.DrainStarted} reaches them.
     */
    public List<Channel> connections() {
        return List.copyOf(connections);
    }

    /** Takes one of {@code max_tunnels} places for an upgrade about to be tried; false when none is left. */
    boolean reserve() {
        if (reserved.incrementAndGet() > config.maxTunnels()) {
            reserved.decrementAndGet();
            refused.increment();
            return false;
        }
        return true;
    }

    /** Gives back a place: the upgrade failed, or the tunnel ended. */
    void release() {
        reserved.decrementAndGet();
    }

    /** @param connection the client connection carrying the tunnel (an HTTP/2 stream's parent) */
    void opened(Channel connection) {
        open.incrementAndGet();
        opened.increment();
        connections.add(connection);
    }

    void ended(Channel connection, CloseReason reason) {
        connections.remove(connection);
        open.decrementAndGet();
        closed.get(reason).increment();
        release();
    }

    void relayed(boolean upstream, long payloadBytes) {
        if (upstream) {
            framesUp.increment();
            bytesUp.add(payloadBytes);
        } else {
            framesDown.increment();
            bytesDown.add(payloadBytes);
        }
    }

    /** A new connection to {@code endpoint} on {@code loop}, outside the pools, with {@code handler} installed. */
    ChannelFuture connect(EventLoop loop, Endpoint endpoint, Duration connectTimeout, ChannelHandler handler) {
        return new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(handler)
                .connect(network.connectAddress(endpoint.address()));
    }

    /** Appends the tunnel metrics in the Prometheus text format. */
    public void render(StringBuilder out) {
        metric(out, "roundtrip_lb_websocket_tunnels_open", "gauge", "WebSocket tunnels open now (backend answered 101, not closed yet).");
        out.append("roundtrip_lb_websocket_tunnels_open ").append(open.get()).append('\n');
        metric(out, "roundtrip_lb_websocket_tunnels_total", "counter", "WebSocket tunnels opened since start.");
        out.append("roundtrip_lb_websocket_tunnels_total ").append(opened.sum()).append('\n');
        metric(out, "roundtrip_lb_websocket_tunnels_refused_total", "counter", "Upgrades answered 503 because max_tunnels were open.");
        out.append("roundtrip_lb_websocket_tunnels_refused_total ").append(refused.sum()).append('\n');
        metric(out, "roundtrip_lb_websocket_tunnels_closed_total", "counter", "WebSocket tunnels ended, by reason.");
        closed.forEach((r, n) -> out.append("roundtrip_lb_websocket_tunnels_closed_total{reason=\"").append(r.label()).append("\"} ")
                .append(n.sum()).append('\n'));
        metric(out, "roundtrip_lb_websocket_frames_total", "counter", "WebSocket frames relayed, by direction.");
        out.append("roundtrip_lb_websocket_frames_total{direction=\"upstream\"} ").append(framesUp.sum()).append('\n');
        out.append("roundtrip_lb_websocket_frames_total{direction=\"downstream\"} ").append(framesDown.sum()).append('\n');
        metric(out, "roundtrip_lb_websocket_bytes_total", "counter", "WebSocket frame payload bytes relayed, by direction.");
        out.append("roundtrip_lb_websocket_bytes_total{direction=\"upstream\"} ").append(bytesUp.sum()).append('\n');
        out.append("roundtrip_lb_websocket_bytes_total{direction=\"downstream\"} ").append(bytesDown.sum()).append('\n');
    }

    private static void metric(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
