package dev.roundtrip.http.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every server pipeline: an exception nobody handled is logged with the connection id
 * and closes that connection (or HTTP/2 stream) only, an HTTP/2 connection error with a GOAWAY
 * carrying its code; an idle timeout closes the connection;
 * anything unread is released.
 */
@ChannelHandler.Sharable
public final class LastResortHandler extends ChannelInboundHandlerAdapter {
    public static final LastResortHandler INSTANCE = new LastResortHandler();
    private static final Logger log = LoggerFactory.getLogger(LastResortHandler.class);

    private LastResortHandler() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (h2 != null && ctx.pipeline().get(Http2FrameCodec.class) != null) {
            // A connection error the HTTP/2 codec raised (e.g. rapid reset: ENHANCE_YOUR_CALM):
            // tell the client why in a GOAWAY, then close.
            log.debug("[{}] HTTP/2 connection error {}: {}", ctx.channel().id(), h2.error(), h2.getMessage());
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(h2.error())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException || h2 != null) {
            log.debug("[{}] connection error: {}", ctx.channel().id(), cause.toString());
        } else {
            log.warn("[{}] closing after an unhandled error: {}", ctx.channel().id(), cause.toString(), cause);
        }
        ctx.close();
    }
}
