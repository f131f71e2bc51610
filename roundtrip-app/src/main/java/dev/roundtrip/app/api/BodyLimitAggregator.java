package dev.roundtrip.app.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Collects a request's body up to {@code maxBodyBytes}, like Netty's {@link HttpObjectAggregator},
 * but answers a larger body (declared or streamed) with the API's own JSON 413, handed on as a
 * {@link Refusal} so that it is written in its turn. On a keep-alive HTTP/1.1 connection the rest
 * of the body is read and discarded and the connection stays usable; otherwise the exchange ends
 * through {@link StreamEnd}.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final Dispatcher dispatcher;
    private final int maxBodyBytes;

    public BodyLimitAggregator(Dispatcher dispatcher, int maxBodyBytes) {
        super(maxBodyBytes);
        this.dispatcher = dispatcher;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code Expect: 100-continue} with a declared body that is too large: 413 before the client sends it. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object standard = super.newContinueResponse(start, maxContentLength, pipeline);
        if (standard instanceof FullHttpResponse netty && netty.status().code() == 413) {
            netty.release();
            return tooLarge();
        }
        return standard;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close(); // we only aggregate requests; the message itself is released by our superclass
            return;
        }
        FullHttpResponse response = tooLarge();
        boolean http2 = ctx.channel() instanceof Http2StreamChannel;
        // On a keep-alive HTTP/1.1 connection the aggregator drops the rest of the body up to the
        // next request, so the connection lives on; otherwise the exchange ends after the answer.
        boolean keep = !http2 && HttpUtil.isKeepAlive(oversized);
        if (!http2 && !keep) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.fireChannelRead(new Refusal(response, keep));
    }

    private FullHttpResponse tooLarge() {
        return dispatcher.reject(ErrorCode.BODY_TOO_LARGE, "the request body is larger than " + maxBodyBytes + " bytes",
                dispatcher.clock().nanoTime());
    }
}
