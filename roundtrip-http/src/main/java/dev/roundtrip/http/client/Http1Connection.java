package dev.roundtrip.http.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One pooled upstream HTTP/1.1 connection and the one exchange on it at a time: writes the
 * request, notices the first response byte, turns the complete response or the way the
 * connection broke into one call of the {@link ExchangeListener}, then hands itself back to its
 * {@link Http1ConnectionPool}. Package-private: callers only see the pool.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {
    private final Channel channel;
    private final Http1ConnectionPool pool;
    private ExchangeListener listener;
    private boolean requestKeepAlive;
    private boolean responseStarted;
    private ScheduledFuture<?> timeout;
    private long idleSinceNanos;
    private String failureDetail;

    Http1Connection(Channel channel, Http1ConnectionPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void markIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    /** The handler placed before the codec, to see the first response byte. */
    ChannelHandler firstByteHandler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!responseStarted && listener != null && msg instanceof ByteBuf b && b.isReadable()) {
                    responseStarted = true;
                    listener.responseStarted();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    void exchange(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener l) {
        listener = l;
        responseStarted = false;
        failureDetail = null;
        requestKeepAlive = HttpUtil.isKeepAlive(request);
        if (responseTimeoutNanos > 0) {
            timeout = channel.eventLoop().schedule(() -> {
                timeout = null;
                fail(UpstreamFailure.Kind.RESPONSE_TIMEOUT, "no response within "
                        + TimeUnit.NANOSECONDS.toMillis(responseTimeoutNanos) + " ms");
                channel.close();
            }, responseTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE, "request write failed: " + describe(f.cause()));
                channel.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpResponse response) || listener == null) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // an unsolicited response: the connection is out of step
            return;
        }
        if (response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
            response.release(); // 100 Continue, 103 Early Hints: the final response is still to come
            return;
        }
        if (response.decoderResult().isFailure()) {
            response.release();
            fail(UpstreamFailure.Kind.PROTOCOL_ERROR, "invalid response: " + describe(response.decoderResult().cause()));
            ctx.close();
            return;
        }
        ExchangeListener l = listener;
        listener = null;
        cancelTimeout();
        boolean reusable = requestKeepAlive && HttpUtil.isKeepAlive(response);
        pool.exchangeDone(this, reusable);
        l.responseReceived(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
            fail(UpstreamFailure.Kind.RESPONSE_TOO_LARGE, "response too large");
        } else {
            failureDetail = describe(cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (listener != null) {
            String how = failureDetail != null ? failureDetail : "connection closed by upstream";
            if (responseStarted) {
                fail(UpstreamFailure.Kind.CLOSED_DURING_RESPONSE, how + " during the response");
            } else {
                fail(UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE, how + " before any response byte");
            }
        }
        ctx.fireChannelInactive();
    }

    private void fail(UpstreamFailure.Kind kind, String detail) {
        ExchangeListener l = listener;
        if (l == null) {
            return;
        }
        listener = null;
        cancelTimeout();
        l.failed(new UpstreamFailure(kind, detail));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof IOException && cause.getMessage() != null) {
            String m = cause.getMessage();
            if (m.contains("reset")) {
                return "connection reset";
            }
            return m;
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
