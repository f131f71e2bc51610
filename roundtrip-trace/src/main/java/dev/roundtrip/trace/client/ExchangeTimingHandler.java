package dev.roundtrip.trace.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Sits between TLS and the HTTP codec and watches plaintext bytes: it counts the bytes a request
 * puts on the connection and reports the first response byte, the moment curl calls
 * {@code time_starttransfer}. Placed after the {@code SslHandler} so that TLS records the server
 * sends on its own (TLS 1.3 session tickets) are not mistaken for the response.
 *
 * <p>Event-loop only: {@link #arm} and the pipeline callbacks run on the channel's event loop.
 */
final class ExchangeTimingHandler extends ChannelDuplexHandler {
    private Runnable onFirstByte;
    private long bytesWritten;

    /**
     * Starts watching one exchange: resets the byte count and, when {@code onFirstByte} is not
     * null, runs it once on the next inbound byte.
     */
    void arm(Runnable onFirstByte) {
        this.onFirstByte = onFirstByte;
        this.bytesWritten = 0;
    }

    /** Stops watching: a late byte no longer counts as the response's first. */
    void disarm() {
        this.onFirstByte = null;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (onFirstByte != null && msg instanceof ByteBuf buf && buf.isReadable()) {
            Runnable first = onFirstByte;
            onFirstByte = null;
            first.run();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            bytesWritten += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }
}
