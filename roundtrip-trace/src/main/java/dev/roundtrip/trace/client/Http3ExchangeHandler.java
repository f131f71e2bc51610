package dev.roundtrip.trace.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * Reads one HTTP/3 response on its QUIC request stream: the first HEADERS frame is the first byte,
 * the stream's FIN the end; a stream closed or reset before that is an HTTP protocol error for
 * this exchange. Interim 1xx HEADERS are skipped. Event-loop only.
 */
final class Http3ExchangeHandler extends Http3RequestStreamInboundHandler {
    private final ExchangeState state;
    private final Runnable onFinalHeaders;
    private ChannelHandlerContext ctx;
    private boolean finalHeaders;

    /** @param onFinalHeaders runs once the final status is known (the connection settles what became of early data) */
    Http3ExchangeHandler(ExchangeState state, Runnable onFinalHeaders) {
        this.state = state;
        this.onFinalHeaders = onFinalHeaders;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Gives up on the exchange (timeout): fails it and closes the stream. */
    void abort(Throwable cause) {
        state.fail(cause);
        if (ctx != null) {
            ctx.close();
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        if (state.done()) {
            return;
        }
        state.firstByte();
        if (finalHeaders) {
            return; // trailers
        }
        Http3Headers h = frame.headers();
        int status = ExchangeState.pseudoStatus(h.status());
        if (status < 0) {
            state.protocolError("response HEADERS without a valid :status (" + h.status() + ")", null);
            ctx.close();
            return;
        }
        if (status < 200) {
            return; // interim response
        }
        finalHeaders = true;
        Map<String, List<String>> byName = state.finalHead(status, h);
        onFinalHeaders.run();
        state.listener.responseHeaders("h3", status, byName);
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        try {
            if (!state.done()) {
                state.body(frame.content());
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        if (state.done()) {
            return;
        }
        if (finalHeaders) {
            state.complete();
        } else {
            state.protocolError("the stream ended without a response", null);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!state.done()) {
            state.protocolError(state.firstByte
                    ? "the stream closed in the middle of the response (" + state.bodyBytes + " body bytes read)"
                    : "the stream closed without a response", null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        state.fail(cause);
        ctx.close();
    }
}
