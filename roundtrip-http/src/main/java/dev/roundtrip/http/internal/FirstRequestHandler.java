package dev.roundtrip.http.internal;

import dev.roundtrip.http.PlainResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Waits on a cleartext connection that may still become h2c: the first HTTP/1.1 request that is
 * not an upgrade installs the HTTP/1.1 chain (and is passed to it); an h2c upgrade or the HTTP/2
 * preface removes this handler. Until then it enforces the header read timeout (408) itself.
 */
public final class FirstRequestHandler extends ChannelInboundHandlerAdapter {
    private final long headerTimeoutNanos;
    private final Consumer<ChannelPipeline> installHttp1;
    private ScheduledFuture<?> timer;

    public FirstRequestHandler(Duration headerReadTimeout, Consumer<ChannelPipeline> installHttp1) {
        this.headerTimeoutNanos = headerReadTimeout.toNanos();
        this.installHttp1 = installHttp1;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpMessage) {
            cancelTimer();
            ChannelPipeline p = ctx.pipeline();
            installHttp1.accept(p);
            ctx.fireChannelRead(msg); // the chain just installed follows this handler
            p.remove(this);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (timer == null && !isHttp2(ctx)) {
            timer = ctx.executor().schedule(() -> timeout(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
                || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
            cancelTimer();
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void timeout(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        if (isHttp2(ctx)) {
            ctx.pipeline().remove(this);
            return;
        }
        ctx.writeAndFlush(PlainResponses.closing(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                        "request headers not complete within " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static boolean isHttp2(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(Http2FrameCodec.class) != null;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
