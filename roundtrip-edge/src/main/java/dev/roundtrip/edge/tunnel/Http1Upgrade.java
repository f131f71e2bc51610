package dev.roundtrip.edge.tunnel;

import dev.roundtrip.edge.proxy.ListenerContext;
import dev.roundtrip.http.HttpServerInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 client side of a tunnel (RFC 6455 section 4): the proxy handler hands over a request
 * with {@code Upgrade: websocket}; a backend's 101 is relayed with the client's own key answered by
 * the backend, then the connection's HTTP handlers give way to the frame codec and relay, and the
 * connection's idle timeout to the tunnel's.
 */
public final class Http1Upgrade implements DownstreamSide {
    private final ChannelHandlerContext ctx;
    private final Tunnels tunnels;
    private final Runnable done;

    private Http1Upgrade(ChannelHandlerContext ctx, Tunnels tunnels, Runnable done) {
        this.ctx = ctx;
        this.tunnels = tunnels;
        this.done = done;
    }

    /**
     * Starts opening a tunnel for {@code request} (owned from here on).
     *
     * @param ctx the proxy handler's context on the downstream connection
     * @param done called when the upgrade was answered without a tunnel (the connection goes on with HTTP)
     */
    public static void start(ListenerContext context, Tunnels tunnels, ChannelHandlerContext ctx, FullHttpRequest request, Runnable done) {
        new TunnelExchange(context, tunnels, new Http1Upgrade(ctx, tunnels, done), request, null).start();
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void answer(FullHttpResponse response) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(response);
        } else {
            response.release();
        }
        done.run();
    }

    @Override
    public void switched(HttpHeaders headers, Tunnel tunnel) {
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(headers);
        WebSocketUpgrade.setUpgradeHeaders(switching.headers());
        switching.headers().remove("content-length");
        ctx.writeAndFlush(switching); // encoded now, on this loop: the HTTP codec may go
        ChannelPipeline p = ctx.pipeline();
        String before = HttpServerInitializer.removeHttp1Handlers(p);
        long idle = tunnels.config().idleTimeout().toNanos();
        p.addBefore(before, "ws-idle", new IdleStateHandler(0, 0, idle, TimeUnit.NANOSECONDS));
        p.addBefore(before, "ws-decoder", new WebSocket08FrameDecoder(FrameRelay.decoderConfig(true, tunnels.config().maxFrameBytes())));
        p.addBefore(before, "ws-encoder", new WebSocket08FrameEncoder(false));
        p.addBefore(before, "relay", new FrameRelay(tunnel, true));
        ctx.channel().config().setAutoRead(true);
    }
}
