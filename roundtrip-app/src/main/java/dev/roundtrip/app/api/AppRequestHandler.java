package dev.roundtrip.app.api;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/1.1 connection or an HTTP/2 stream: turns each aggregated request
 * into an {@link ApiRequest}, has the {@link Dispatcher} serve it off the event loop, and writes the
 * responses back in request order. A malformed request gets its 400/414/431 and the connection is
 * closed (the decoder cannot resynchronise); a {@link Refusal} from an earlier handler is answered
 * in its turn; a client that pipelines too many requests is disconnected.
 *
 * <p>One instance per connection (or stream); its state is touched only on the channel's event loop.
 */
public final class AppRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AppRequestHandler.class);
    private static final List<String> READ_HEADERS = List.of("content-type", "if-match", "if-none-match", "traceparent");

    /** A request waiting its turn, or a refusal (malformed request) that must keep its place in line. */
    private record Pending(ApiRequest request, FullHttpResponse refusal, long receivedNanos, boolean keepAlive) {}

    private final Dispatcher dispatcher;
    private final int maxPipelined;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean busy;
    private boolean closing;

    public AppRequestHandler(Dispatcher dispatcher, int maxPipelined) {
        this.dispatcher = dispatcher;
        this.maxPipelined = maxPipelined;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Refusal refusal) {
            if (closing) {
                refusal.response().release();
                return;
            }
            closing = !refusal.keepConnection();
            pending.add(new Pending(null, refusal.response(), dispatcher.clock().nanoTime(), refusal.keepConnection()));
            serveNext(ctx);
            return;
        }
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long receivedNanos = dispatcher.clock().nanoTime();
        try {
            if (closing) {
                return; // after a refusal nothing more is read from this connection
            }
            if (busy && pending.size() >= maxPipelined) {
                log.debug("{}: more than {} pipelined requests, closing", ctx.channel(), maxPipelined);
                closing = true;
                ctx.close();
                return;
            }
            DecoderResult result = request.decoderResult();
            if (!result.isSuccess()) {
                refuse(ctx, result.cause(), receivedNanos);
            } else {
                try {
                    pending.add(new Pending(toApiRequest(request), null, receivedNanos, isHttp2(ctx) || HttpUtil.isKeepAlive(request)));
                } catch (IllegalArgumentException e) {
                    refuse(ctx, e, receivedNanos);
                }
            }
        } finally {
            request.release();
        }
        serveNext(ctx);
    }

    private void serveNext(ChannelHandlerContext ctx) {
        if (busy || pending.isEmpty()) {
            return;
        }
        busy = true;
        if (!isHttp2(ctx)) {
            ctx.channel().config().setAutoRead(false); // one request at a time per connection: back-pressure the rest
        }
        Pending next = pending.poll();
        if (next.refusal() != null) {
            if (next.keepAlive()) {
                write(ctx, next, next.refusal());
            } else {
                ctx.writeAndFlush(next.refusal()).addListener(StreamEnd.afterResponse());
            }
            return;
        }
        dispatcher.dispatch(next.request(), next.receivedNanos(), response -> {
            try {
                ctx.executor().execute(() -> write(ctx, next, response));
            } catch (RejectedExecutionException e) {
                response.release(); // the event loop has shut down: the connection is gone
            }
        });
    }

    private void write(ChannelHandlerContext ctx, Pending served, FullHttpResponse response) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        if (!isHttp2(ctx)) {
            HttpUtil.setKeepAlive(response, served.keepAlive());
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            busy = false;
            if (!f.isSuccess() || !served.keepAlive()) {
                ctx.close();
                return;
            }
            if (!isHttp2(ctx)) {
                ctx.channel().config().setAutoRead(true);
            }
            serveNext(ctx);
        });
    }

    /**
     * Queues the answer to a request that cannot be served (400, 414, 431) behind the requests
     * before it; once it is written the connection ends, since the decoder cannot find the next
     * request's start.
     */
    private void refuse(ChannelHandlerContext ctx, Throwable cause, long receivedNanos) {
        closing = true;
        ErrorCode code;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            code = ErrorCode.URI_TOO_LONG;
            message = "the request line is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            code = ErrorCode.HEADERS_TOO_LARGE;
            message = "the request headers are too large";
        } else if (cause instanceof TooLongFrameException) {
            code = ErrorCode.HEADERS_TOO_LARGE;
            message = "a request field is too large";
        } else {
            code = ErrorCode.MALFORMED_REQUEST;
            message = "malformed request: " + (cause == null || cause.getMessage() == null ? "cannot parse" : cause.getMessage());
        }
        log.debug("{}: {} ({})", ctx.channel(), code.code(), message);
        FullHttpResponse response = dispatcher.reject(code, message, receivedNanos);
        if (!isHttp2(ctx)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        pending.add(new Pending(null, response, receivedNanos, false));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Pending p : pending) {
            if (p.refusal() != null) {
                p.refusal().release();
            }
        }
        pending.clear();
        ctx.fireChannelInactive();
    }

    private static ApiRequest toApiRequest(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri()); // decoding errors: IllegalArgumentException
        String path = uri.path();
        Map<String, List<String>> query = uri.parameters();
        Map<String, String> headers = new HashMap<>();
        for (String name : READ_HEADERS) {
            List<String> values = request.headers().getAll(name);
            if (!values.isEmpty()) {
                headers.put(name, String.join(", ", values));
            }
        }
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        return new ApiRequest(request.method().name(), path, query, headers, body);
    }

    private static boolean isHttp2(ChannelHandlerContext ctx) {
        return ctx.channel() instanceof Http2StreamChannel;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: closing after {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
