package dev.roundtrip.http.client;

import dev.roundtrip.core.timeline.MonotonicClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request on its own upstream HTTP/2 stream, the last handler of the stream's pipeline (after
 * Netty's frame-to-HTTP-object codec): sends the request, passes the response head and body
 * pieces to the {@link ExchangeListener} as they arrive, pauses the stream's reads when asked (the
 * upstream's window then stays closed), and turns a reset or a lost connection into one
 * {@link ExchangeListener#failed} call. The response timeout works as in {@link Http1Connection}.
 */
final class Http2StreamExchange extends ChannelInboundHandlerAdapter implements UpstreamResponse {
    private final FullHttpRequest request;
    private final long timeoutNanos;
    private final MonotonicClock clock;
    private ExchangeListener listener;
    private Http2StreamChannel stream;
    private boolean headDelivered;
    private boolean paused;
    private boolean refused;
    private long resetCode = -1;
    private long lastReadNanos;
    private ScheduledFuture<?> timeout;

    Http2StreamExchange(FullHttpRequest request, long timeoutNanos, ExchangeListener listener, MonotonicClock clock) {
        this.request = request;
        this.timeoutNanos = timeoutNanos;
        this.listener = listener;
        this.clock = clock;
    }

    /** The stream is open: send the request. */
    void start(Http2StreamChannel s) {
        stream = s;
        if (timeoutNanos > 0) {
            timeout = s.eventLoop().schedule(this::timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        s.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE, "request write failed: " + Http1Connection.describe(f.cause()));
                s.close();
            }
        });
    }

    /** No stream could be opened (the connection broke or is going away): the request never left. */
    void notOpened(Throwable cause) {
        ReferenceCountUtil.release(request);
        fail(UpstreamFailure.Kind.STREAM_REFUSED, "no HTTP/2 stream could be opened: " + Http1Connection.describe(cause));
    }

    private void timedOut() {
        timeout = null;
        if (listener == null) {
            return;
        }
        if (headDelivered) {
            long silent = clock.nanoTime() - lastReadNanos;
            if (paused || silent < timeoutNanos) {
                timeout = stream.eventLoop().schedule(this::timedOut, paused ? timeoutNanos : timeoutNanos - silent, TimeUnit.NANOSECONDS);
                return;
            }
            fail(UpstreamFailure.Kind.RESPONSE_TIMEOUT, "no body byte for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } else {
            fail(UpstreamFailure.Kind.RESPONSE_TIMEOUT, "no response within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        stream.close(); // RST_STREAM(CANCEL)
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ExchangeListener l = listener;
        if (l == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(UpstreamFailure.Kind.PROTOCOL_ERROR, "invalid response: " + Http1Connection.describe(o.decoderResult().cause()));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ReferenceCountUtil.release(msg); // 100 Continue, 103 Early Hints: the final response is still to come
                return;
            }
            HttpContent whole = null;
            if (head instanceof FullHttpResponse full) { // HEADERS with END_STREAM: split into head and end
                whole = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
                head = new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers());
            }
            for (HttpConversionUtil.ExtensionHeaderNames x : HttpConversionUtil.ExtensionHeaderNames.values()) {
                head.headers().remove(x.text()); // the conversion's own notes, not the upstream's headers
            }
            headDelivered = true;
            lastReadNanos = clock.nanoTime();
            l.responseHead(head, this);
            if (whole != null) {
                finish(l, whole);
            }
            return;
        }
        if (msg instanceof HttpContent content) {
            if (!headDelivered) {
                content.release();
            } else if (content instanceof LastHttpContent) {
                finish(l, content);
            } else {
                lastReadNanos = clock.nanoTime();
                l.responseContent(content);
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void finish(ExchangeListener l, HttpContent last) {
        if (listener == null) { // abandoned while the head was handled
            last.release();
            return;
        }
        listener = null;
        cancelTimeout();
        l.responseContent(last);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null && headDelivered) {
            listener.responseReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            resetCode = reset.errorCode();
        } else if (evt instanceof Http2GoAwayFrame) {
            refused = true; // fired only to streams above the GOAWAY's last stream id
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (listener != null) {
            if (refused || resetCode == Http2Error.REFUSED_STREAM.code()) {
                fail(UpstreamFailure.Kind.STREAM_REFUSED, refused ? "stream refused by the upstream's GOAWAY" : "stream refused by the upstream");
            } else {
                String how = resetCode >= 0 ? "stream reset by upstream (" + Http2Error.valueOf(resetCode) + ")" : "connection closed by upstream";
                if (headDelivered) {
                    fail(UpstreamFailure.Kind.CLOSED_DURING_RESPONSE, how + " during the response");
                } else {
                    fail(UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE, how + " before any response byte");
                }
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void pause() {
        if (listener != null && !paused) {
            paused = true;
            stream.config().setAutoRead(false);
        }
    }

    @Override
    public void resume() {
        if (paused) {
            paused = false;
            lastReadNanos = clock.nanoTime();
            stream.config().setAutoRead(true);
        }
    }

    @Override
    public void abort() {
        if (listener != null) {
            listener = null;
            cancelTimeout();
            stream.close(); // RST_STREAM(CANCEL): the upstream stops sending, the connection stays
        }
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
}
