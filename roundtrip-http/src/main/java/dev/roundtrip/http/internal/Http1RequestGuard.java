package dev.roundtrip.http.internal;

import dev.roundtrip.http.PlainResponses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the HTTP/1.1 decoder and turns what the client did wrong into the protocol's
 * own answer, closing only this connection: a malformed request 400, a request line too long 414,
 * a header block too large 431, and headers not complete {@code headerReadTimeout} after their
 * first byte 408 (a slowloris client holds a connection, never a thread).
 *
 * <p>The decoder does not say when a request's first byte arrives; a read that completes without
 * producing a request (and not right after finishing one) is taken as "headers started".
 */
public final class Http1RequestGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(Http1RequestGuard.class);

    private enum State { WAITING, READING_HEADERS, READING_BODY, FAILED }

    private final long headerTimeoutNanos;
    private State state = State.WAITING;
    private boolean completedInThisRead;
    private ScheduledFuture<?> timer;

    public Http1RequestGuard(Duration headerReadTimeout) {
        this.headerTimeoutNanos = headerReadTimeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.FAILED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
            Throwable cause = o.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            reject(ctx, statusFor(cause), describe(cause));
            return;
        }
        if (msg instanceof HttpRequest) {
            cancelTimer();
            state = State.READING_BODY;
        }
        if (msg instanceof LastHttpContent) {
            state = State.WAITING;
            completedInThisRead = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.WAITING && !completedInThisRead) {
            state = State.READING_HEADERS;
            timer = ctx.executor().schedule(() -> headerTimeout(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        completedInThisRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void headerTimeout(ChannelHandlerContext ctx) {
        if (state == State.READING_HEADERS && ctx.channel().isActive()) {
            reject(ctx, HttpResponseStatus.REQUEST_TIMEOUT,
                    "request headers not complete within " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms");
        }
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        state = State.FAILED;
        cancelTimer();
        log.debug("[{}] {} {}", ctx.channel().id(), status.code(), reason);
        ctx.writeAndFlush(PlainResponses.closing(ctx.alloc(), status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static String describe(Throwable cause) {
        String m = cause.getMessage();
        return "malformed request: " + (m == null || m.isBlank() ? cause.getClass().getSimpleName() : m);
    }
}
