package dev.roundtrip.trace.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * Reads one HTTP/2 response on its stream channel: the first HEADERS frame is the first byte, the
 * frame with END_STREAM the end; RST_STREAM or a closed stream before that is an HTTP protocol
 * error for this exchange. Interim 1xx HEADERS are skipped. Event-loop only.
 */
final class Http2ExchangeHandler extends ChannelInboundHandlerAdapter {
    private final ExchangeState state;
    private ChannelHandlerContext ctx;
    private boolean finalHeaders;

    Http2ExchangeHandler(ExchangeState state) {
        this.state = state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Gives up on the exchange (timeout): fails it and resets the stream. */
    void abort(Throwable cause) {
        state.fail(cause);
        if (ctx != null) {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state.done()) {
                return;
            }
            switch (msg) {
                case Http2HeadersFrame headers -> headers(headers);
                case Http2DataFrame data -> {
                    state.body(data.content());
                    if (data.isEndStream()) {
                        state.complete();
                    }
                }
                case Http2ResetFrame reset -> reset(reset);
                default -> { }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The multiplexer delivers a received RST_STREAM as a user event, not as a read. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            reset(reset);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void reset(Http2ResetFrame reset) {
        Http2Error error = Http2Error.valueOf(reset.errorCode());
        state.protocolError("the server reset the stream (RST_STREAM "
                + (error == null ? "code " + reset.errorCode() : error.name()) + ")", null);
    }

    private void headers(Http2HeadersFrame frame) {
        state.firstByte();
        Http2Headers h = frame.headers();
        if (!finalHeaders) {
            int status = ExchangeState.pseudoStatus(h.status());
            if (status < 0) {
                state.protocolError("response HEADERS without a valid :status (" + h.status() + ")", null);
                ctx.close();
                return;
            }
            if (status < 200 && !frame.isEndStream()) {
                return; // interim response
            }
            finalHeaders = true;
            Map<String, List<String>> byName = state.finalHead(status, h);
            state.listener.responseHeaders("h2", status, byName);
        }
        if (frame.isEndStream()) {
            state.complete(); // no body, or trailers ended it
        }
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
