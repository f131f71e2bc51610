package dev.roundtrip.app.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The app server's WebSocket side (RFC 6455, by Netty's codec): when an HTTP/1.1 connection's
 * first request upgrades to a {@link WebSocketRoute}, {@link #install} puts the WebSocket handlers
 * where the HTTP API's would go. The 101 names the instance in {@code X-Served-By}, as every API
 * response does, so a client (or a test) sees which backend holds the socket.
 */
public final class WebSockets {
    private final String instanceName;
    private final WebSocketLimits limits;
    private final Rooms rooms;

    public WebSockets(String instanceName, WebSocketLimits limits) {
        this.instanceName = instanceName;
        this.limits = limits;
        this.rooms = new Rooms(limits);
    }

    public Rooms rooms() {
        return rooms;
    }

    /** Adds, after {@code after}, the handlers of a WebSocket on {@code route}; the upgrade request goes through them next. */
    public void install(ChannelPipeline p, String after, WebSocketRoute route) {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .maxFramePayloadLength(limits.maxFrameBytes())
                .handshakeTimeoutMillis(10_000)
                .build();
        p.addAfter(after, "ws-served-by", new ServedBy(instanceName));
        p.addAfter("ws-served-by", "ws-protocol", new WebSocketServerProtocolHandler(config));
        p.addAfter("ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(limits.maxMessageBytes()));
        p.addAfter("ws-aggregator", "ws-app", new WebSocketHandler(route, rooms));
    }

    /** Stamps {@code X-Served-By} on the 101 the handshaker writes. */
    private static final class ServedBy extends ChannelOutboundHandlerAdapter {
        private final String name;

        ServedBy(String name) {
            this.name = name;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse r && r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                r.headers().set("x-served-by", name);
            }
            ctx.write(msg, promise);
        }
    }
}
