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
 * cheap for a proxy that reads and flushes for every request: a read or a flush only sets a flag
 * (no clock reading, no listener on a write), and one timer per connection, every eighth of the
 * timeout, turns the flag into a time. The connection counts as active until the check that saw
 * the flag, so the event comes at least the timeout after the last read or flush and at most an
 * eighth of it later. Runs on the connection's event loop only.
 */
public final class ConnectionIdleHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private final long checkNanos;
    private boolean active;
    private long activeAtNanos;
    private ScheduledFuture<?> timer;

    public ConnectionIdleHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.checkNanos = Math.max(1, timeoutNanos / 8);
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
            activeAtNanos = ctx.executor().ticker().nanoTime();
            timer = ctx.executor().schedule(() -> check(ctx), checkNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        timer = ctx.executor().schedule(() -> check(ctx), checkNanos, TimeUnit.NANOSECONDS);
        if (active) {
            active = false;
            activeAtNanos = now;
        } else if (now - activeAtNanos >= timeoutNanos) {
            activeAtNanos = now; // the next event one whole timeout later, as IdleStateHandler does
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        active = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        active = true;
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
