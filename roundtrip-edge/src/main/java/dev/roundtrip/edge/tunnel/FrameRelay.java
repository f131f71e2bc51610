package dev.roundtrip.edge.tunnel;

import dev.roundtrip.edge.proxy.DrainStarted;
import dev.roundtrip.edge.tunnel.Tunnels.CloseReason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler on each side of a {@link Tunnel}, after Netty's WebSocket frame decoder and
 * encoder: hands each decoded frame to the tunnel, and tells it when this side's writability
 * changes (backpressure), goes silent (idle timeout, downstream side only), is drained, breaks the
 * framing (too large a frame: 1009; anything else: 1002) or closes.
 */
final class FrameRelay extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameRelay.class);

    /** Fired on the downstream stream channel when the client ended its half of an RFC 8441 stream. */
    static final Object CLIENT_ENDED_STREAM = new Object() {
        @Override
        public String toString() {
            return "CLIENT_ENDED_STREAM";
        }
    };

    private final Tunnel tunnel;
    private final boolean downstream;

    FrameRelay(Tunnel tunnel, boolean downstream) {
        this.tunnel = tunnel;
        this.downstream = downstream;
    }

    /** The frame decoder's settings on one side: clients mask their frames (RFC 6455 section 5.3), servers do not. */
    static WebSocketDecoderConfig decoderConfig(boolean downstream, int maxFrameBytes) {
        return WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(downstream)
                .allowMaskMismatch(false)
                .allowExtensions(true) // permessage-deflate sets RSV1; the payload is relayed as it is
                .maxFramePayloadLength(maxFrameBytes)
                .closeOnProtocolViolation(false) // the tunnel closes both sides itself
                .build();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            tunnel.frame(downstream, frame);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        tunnel.readComplete(downstream);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        tunnel.writabilityChanged(downstream);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            tunnel.goAway(1001, "idle timeout", CloseReason.IDLE_TIMEOUT);
        } else if (evt instanceof DrainStarted d) {
            tunnel.drain(d.grace());
            ctx.fireUserEventTriggered(evt);
        } else if (evt == CLIENT_ENDED_STREAM) {
            tunnel.sideEnded(true);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException c) {
            WebSocketCloseStatus status = c.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : c.closeStatus();
            log.debug("[{}] {} broke WebSocket framing: {}", ctx.channel().id(), downstream ? "client" : "backend", c.getMessage());
            tunnel.goAway(status.code(), status.reasonText(), CloseReason.PROTOCOL_ERROR);
            return;
        }
        log.debug("[{}] tunnel {} side failed: {}", ctx.channel().id(), downstream ? "client" : "backend", cause.toString());
        ctx.close();
    }
}
