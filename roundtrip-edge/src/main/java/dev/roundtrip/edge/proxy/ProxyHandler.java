package dev.roundtrip.edge.proxy;

import dev.roundtrip.edge.tunnel.Http1Upgrade;
import dev.roundtrip.edge.tunnel.Tunnels;
import dev.roundtrip.edge.tunnel.WebSocketUpgrade;
import dev.roundtrip.http.ChannelDownstream;
import dev.roundtrip.http.Downstream;
import dev.roundtrip.http.RequestHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.UnaryOperator;

/**
 * The last handler of a downstream HTTP/1.1 connection, HTTP/2 stream or HTTP/3 stream: proxies
 * its requests one at a time, in order (pipelined HTTP/1.1 requests wait in a short queue; past
 * {@value #MAX_QUEUED} the connection stops reading until the queue drains). Each request is one
 * {@link ProxyExchange}, which is told when the downstream becomes writable again (backpressure
 * for a streamed response) and when it closes; an HTTP/1.1 {@code Upgrade: websocket} goes to
 * {@link Http1Upgrade} instead, and if the backend switches protocols the connection becomes a
 * WebSocket tunnel.
 *
 * <p>HTTP/2 streams run without a channel each reach {@link #streams} instead: one exchange per
 * stream, nothing to queue.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
    static final int MAX_QUEUED = 16;

    private final ListenerContext context;
    private final Tunnels tunnels;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ChannelDownstream downstream; // the same for every request of the connection or stream
    private ProxyExchange current;
    private boolean busy;

    /**
     * The request handler of HTTP/2 streams that have no channel of their own: each request is one
     * {@link ProxyExchange} answering on its stream, after {@code decorate} wrapped it (the
     * listener's Alt-Svc, say).
     */
    public static RequestHandler streams(ListenerContext context, UnaryOperator<Downstream> decorate) {
        return (request, downstream) -> {
            ProxyExchange exchange = new ProxyExchange(context, decorate.apply(downstream), request, () -> {});
            exchange.start();
            return exchange;
        };
    }

    public ProxyHandler(ListenerContext context) {
        this(context, null);
    }

    /** @param tunnels WebSocket tunnels, or null to proxy upgrades as ordinary requests */
    public ProxyHandler(ListenerContext context, Tunnels tunnels) {
        this.context = context;
        this.tunnels = tunnels;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.downstream = new ChannelDownstream(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            queued.add(request);
            if (queued.size() >= MAX_QUEUED) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        start(request);
    }

    private void start(FullHttpRequest request) {
        busy = true;
        if (tunnels != null && WebSocketUpgrade.isUpgrade(request)) {
            Http1Upgrade.start(context, tunnels, ctx, request, this::exchangeDone);
            return;
        }
        ProxyExchange exchange = new ProxyExchange(context, downstream, request, this::exchangeDone);
        current = exchange;
        exchange.start();
    }

    private void exchangeDone() {
        busy = false;
        current = null;
        FullHttpRequest next = queued.poll();
        if (next != null) {
            if (ctx.channel().isActive()) {
                start(next);
            } else {
                next.release();
                releaseQueued();
            }
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseQueued();
        if (current != null) {
            current.closed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued(); // the connection became a tunnel
    }

    private void releaseQueued() {
        FullHttpRequest r;
        while ((r = queued.poll()) != null) {
            r.release();
        }
    }
}
