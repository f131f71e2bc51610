package dev.roundtrip.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * A {@link Downstream} that writes HTTP objects through a handler's context, for the request
 * handler at the end of a pipeline: an HTTP/1.1 connection (after the HTTP codec), an HTTP/3
 * stream or an HTTP/2 stream channel (after their frame-to-HTTP-object codecs).
 */
public final class ChannelDownstream implements Downstream {
    /** H3_INTERNAL_ERROR (RFC 9114 section 8.1). */
    private static final int H3_INTERNAL_ERROR = 0x0102;

    private final ChannelHandlerContext ctx;

    public ChannelDownstream(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void writeHead(HttpResponse head) {
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(head);
            return;
        }
        ctx.write(head, ctx.voidPromise());
    }

    @Override
    public void writeContent(HttpContent content) {
        ctx.write(content, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void reset() {
        Channel ch = ctx.channel();
        if (ch instanceof Http2StreamChannel) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
        } else if (ch instanceof QuicStreamChannel quic) {
            quic.shutdown(H3_INTERNAL_ERROR);
        }
        ch.close();
    }

    @Override
    public String toString() {
        return ctx.channel().id().asShortText();
    }
}
