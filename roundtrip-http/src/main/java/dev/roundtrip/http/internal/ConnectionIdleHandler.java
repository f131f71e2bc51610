package dev.roundtrip.http.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sits near the front of a downstream connection and fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT}
 * (closed by {@link LastResortHandler}, or ignored by a handler with a reason to) when neither a
 * read nor a flush happened for the idle timeout. It is Netty's {@code IdleStateHandler} made
 * cheap for a proxy that writes several messages per response: activity is noted on each read
 * and each flush (a field store), never with a listener on every write, and one timer per
 * connection checks it. Runs on the connection's event loop only.
 */
public final class ConnectionIdleHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> timer;

    public ConnectionIdleHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null && timeoutNanos > 0) {
            lastActivityNanos = System.nanoTime();
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= timeoutNanos) {
            lastActivityNanos = System.nanoTime(); // the next event one whole timeout later, as IdleStateHandler does
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        } else {
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivityNanos = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastActivityNanos = System.nanoTime();
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
