package dev.roundtrip.http.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every server pipeline: an exception nobody handled is logged with the connection id
 * and closes that connection (or HTTP/2 stream) only; an idle timeout closes the connection;
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
        if (cause instanceof IOException) {
            log.debug("[{}] connection error: {}", ctx.channel().id(), cause.toString());
        } else {
            log.warn("[{}] closing after an unhandled error: {}", ctx.channel().id(), cause.toString(), cause);
        }
        ctx.close();
    }
}
