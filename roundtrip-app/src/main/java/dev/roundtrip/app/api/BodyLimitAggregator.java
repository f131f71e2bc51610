package dev.roundtrip.app.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Collects a request's body up to {@code maxBodyBytes}, like Netty's {@link HttpObjectAggregator},
 * but answers a larger body (declared or streamed) with the API's own JSON 413 and closes the
 * connection (or resets the HTTP/2 stream), since the rest of the body will not be read.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final Dispatcher dispatcher;
    private final int maxBodyBytes;

    public BodyLimitAggregator(Dispatcher dispatcher, int maxBodyBytes) {
        super(maxBodyBytes);
        this.dispatcher = dispatcher;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ReferenceCountUtil.release(oversized);
            ctx.close();
            return;
        }
        FullHttpResponse response = dispatcher.reject(ErrorCode.BODY_TOO_LARGE,
                "the request body is larger than " + maxBodyBytes + " bytes", dispatcher.clock().nanoTime());
        if (!(ctx.channel() instanceof Http2StreamChannel)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener(StreamEnd.afterResponse());
    }
}
