package dev.roundtrip.trace.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches an HTTP/2 connection's own frames after the stream multiplexer: a GOAWAY means no new
 * streams (RFC 9113 section 6.8), so the pool stops reusing the connection; a connection error
 * closes it. Server pushes never arrive: the client's SETTINGS disable them.
 */
final class Http2ConnectionWatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2ConnectionWatcher.class);
    private volatile boolean goingAway;

    boolean goingAway() {
        return goingAway;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame) {
            goingAway = true;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        goingAway = true;
        log.debug("HTTP/2 connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
