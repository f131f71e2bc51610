package dev.roundtrip.app.ws;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an app WebSocket, after Netty's protocol handler (handshake, ping, close)
 * and frame aggregator (whole messages): {@code /ws/echo} writes each text or binary message back
 * (reading pauses while the client does not read the echoes); {@code /ws/room/NAME} joins the
 * room at the handshake and broadcasts each message to all members. One instance per connection.
 */
final class WebSocketHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketHandler.class);

    private final WebSocketRoute route;
    private final Rooms rooms;
    private Rooms.Member member;

    WebSocketHandler(WebSocketRoute route, Rooms rooms) {
        this.route = route;
        this.rooms = rooms;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && route instanceof WebSocketRoute.Room room) {
            member = rooms.join(room.name(), ctx.channel());
            if (member == null) {
                ctx.writeAndFlush(new CloseWebSocketFrame(1013, "room " + room.name() + " is full"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        WebSocketFrame frame = (WebSocketFrame) msg;
        switch (route) {
            case WebSocketRoute.Echo e -> {
                ctx.write(frame);
                if (!ctx.channel().isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
            case WebSocketRoute.Room r -> {
                if (member != null) {
                    rooms.broadcast(r.name(), frame);
                } else {
                    frame.release();
                }
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (route instanceof WebSocketRoute.Echo) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (member != null && route instanceof WebSocketRoute.Room r) {
            rooms.leave(r.name(), member);
            member = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: WebSocket closed after {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
