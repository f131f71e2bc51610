package dev.roundtrip.http.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One pooled upstream HTTP/1.1 connection and the one exchange on it at a time: writes the
 * request, notices the first response byte, passes the response head and then each piece of the
 * body to the {@link ExchangeListener} as they are decoded (pausing its reads when the listener
 * asks), turns the way the connection broke into one {@link ExchangeListener#failed} call, and
 * hands itself back to its {@link Http1ConnectionPool} after the last byte of the body.
 * Package-private: callers only see the pool.
 *
 * <p>The response timeout bounds the wait for the response head; after the head it bounds each
 * silence of the upstream while the body is being read (not while the reader paused it).
 */
final class Http1Connection extends ChannelInboundHandlerAdapter implements UpstreamResponse {
    /** How long an answer the upstream sent before resetting the connection may take to be read. */
    private static final long ANSWER_AFTER_WRITE_FAILURE_MILLIS = 1000;
    private final Channel channel;
    private final Http1ConnectionPool pool;
    private final UpstreamResponseDecoder decoder;
    private ExchangeListener listener;
    private boolean requestKeepAlive;
    private boolean responseKeepAlive;
    private boolean responseStarted;
    private boolean headDelivered;
    private boolean skippingInformational;
    private boolean paused;
    private long timeoutNanos;
    private long lastReadNanos;
    private long deadlineNanos; // of the response head; 0 when no exchange is timed
    private ScheduledFuture<?> timeout;
    private long idleSinceNanos;
    private String failureDetail;

    Http1Connection(Channel channel, Http1ConnectionPool pool, HttpDecoderConfig decoderConfig) {
        this.channel = channel;
        this.pool = pool;
        this.decoder = new UpstreamResponseDecoder(decoderConfig, this);
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

    /** The connection's response decoder, placed first in its pipeline. */
    UpstreamResponseDecoder decoder() {
        return decoder;
    }

    /** Told by the decoder when response bytes arrive, before it decodes them. */
    void bytesArrived() {
        if (!responseStarted && listener != null) {
            responseStarted = true;
            listener.responseStarted();
        }
    }

    void exchange(FullHttpRequest request, long responseTimeoutNanos, ExchangeListener l) {
        listener = l;
        responseStarted = false;
        headDelivered = false;
        skippingInformational = false;
        failureDetail = null;
        // A CONNECT that succeeds turns the connection into a tunnel, never to be pooled again.
        requestKeepAlive = HttpUtil.isKeepAlive(request) && !HttpMethod.CONNECT.equals(request.method());
        decoder.expect(request.method());
        timeoutNanos = responseTimeoutNanos;
        if (responseTimeoutNanos > 0) {
            // One timer per connection, moved lazily: an exchange only sets its deadline, and the
            // timer (scheduled when none is) re-arms itself for a later one. No timer queue work
            // per request on a busy keep-alive connection.
            deadlineNanos = pool.clock().nanoTime() + responseTimeoutNanos;
            if (timeout != null && timeout.getDelay(TimeUnit.NANOSECONDS) > responseTimeoutNanos) {
                timeout.cancel(false); // set for a longer timeout (before a reload shortened it)
                timeout = null;
            }
            if (timeout == null) {
                timeout = channel.eventLoop().schedule(this::timedOut, responseTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
        // No listener per request: a failed write reaches exceptionCaught, the connection ends
        // from its read side, and channelInactive reports it unless an answer came first.
        channel.writeAndFlush(request, channel.voidPromise());
    }

    private void timedOut() {
        timeout = null;
        if (listener == null || deadlineNanos == 0 || !channel.isOpen()) {
            return;
        }
        long now = pool.clock().nanoTime();
        if (!headDelivered && now < deadlineNanos) {
            timeout = channel.eventLoop().schedule(this::timedOut, deadlineNanos - now, TimeUnit.NANOSECONDS);
            return;
        }
        if (headDelivered) {
            long silent = now - lastReadNanos;
            if (paused || silent < timeoutNanos) {
                timeout = channel.eventLoop().schedule(this::timedOut, paused ? timeoutNanos : timeoutNanos - silent,
                        TimeUnit.NANOSECONDS);
                return;
            }
            fail(UpstreamFailure.Kind.RESPONSE_TIMEOUT, "no body byte for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } else {
            fail(UpstreamFailure.Kind.RESPONSE_TIMEOUT, "no response within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ExchangeListener l = listener;
        if (l == null) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // an unsolicited response, or the rest of an abandoned one: the connection is out of step
            return;
        }
        if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(UpstreamFailure.Kind.PROTOCOL_ERROR, "invalid response" + (headDelivered ? " body: " : ": ")
                    + describe(o.decoderResult().cause()));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                skippingInformational = true; // 100 Continue, 103 Early Hints: the final response is still to come
            } else {
                headDelivered = true;
                responseKeepAlive = HttpUtil.isKeepAlive(head);
                lastReadNanos = pool.clock().nanoTime();
                l.responseHead(head, this);
            }
        }
        if (msg instanceof HttpContent content) {
            if (skippingInformational || !headDelivered) {
                skippingInformational &= !(content instanceof LastHttpContent);
                content.release();
                return;
            }
            if (content instanceof LastHttpContent) {
                listener = null;
                cancelTimeout();
                resume();
                pool.exchangeDone(this, requestKeepAlive && responseKeepAlive);
            } else if (timeoutNanos > 0) {
                lastReadNanos = pool.clock().nanoTime();
            }
            l.responseContent(content);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null && headDelivered) {
            listener.responseReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void pause() {
        if (listener != null && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        }
    }

    @Override
    public void resume() {
        if (paused) {
            paused = false;
            lastReadNanos = pool.clock().nanoTime();
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void abort() {
        if (listener != null) {
            listener = null;
            cancelTimeout();
            channel.close();
        }
    }

    /**
     * A failed write of the request (the upstream reset the connection) does not close it at once:
     * the upstream may have answered first, e.g. a 413 or a 401 sent after the head of a request
     * whose body it then refused to read, and that answer is still waiting in the socket. The pool
     * turns Netty's close on write failure off ({@code AUTO_CLOSE}), so only the output shuts
     * down; the read side delivers what arrived, then meets the reset and closes the connection.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failureDetail = describe(cause);
        ExchangeListener waiting = listener;
        if (waiting != null && !headDelivered && cause instanceof IOException && ctx.channel().isActive()) {
            // The read side ends it, and channelInactive reports the failure if no answer came;
            // should it stay open without an answer, it is closed after a short wait.
            ctx.executor().schedule(() -> {
                if (listener == waiting && !headDelivered) {
                    ctx.close();
                }
            }, ANSWER_AFTER_WRITE_FAILURE_MILLIS, TimeUnit.MILLISECONDS);
            return;
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

    /** Ends the current deadline; the timer, if scheduled, finds none and stops (see {@link #exchange}). */
    private void cancelTimeout() {
        deadlineNanos = 0;
    }

    static String describe(Throwable cause) {
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
