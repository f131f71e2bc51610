package dev.roundtrip.trace.client;

import dev.roundtrip.trace.Header;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;

/**
 * Reads HTTP/1.1 responses for a {@link Http1Connection}: reports the head (status, headers,
 * Server-Timing) and the end of the body to the current exchange, counts body bytes, and turns
 * a malformed response or an early close into an HTTP protocol error for that exchange alone.
 * Interim 1xx responses are skipped (RFC 9110 section 15.2). Event-loop only.
 */
final class Http1ExchangeHandler extends ChannelInboundHandlerAdapter {
    private ExchangeState current;
    private boolean keepAlive = true;
    private boolean interim;

    /** Takes on {@code state}; false when an exchange is already in progress. */
    boolean begin(ExchangeState state) {
        if (current != null && !current.done()) {
            return false;
        }
        current = state;
        interim = false;
        return true;
    }

    boolean idleAndKeepAlive() {
        return keepAlive && (current == null || current.done());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            ExchangeState state = current;
            if (state == null || state.done()) {
                keepAlive = false; // bytes nobody asked for: this connection cannot be trusted again
                ctx.close();
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    malformed(ctx, state, response.decoderResult().cause());
                    return;
                }
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                        && response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    interim = true;
                    return;
                }
                head(state, response);
            }
            if (msg instanceof HttpContent content) {
                if (content.decoderResult().isFailure()) {
                    malformed(ctx, state, content.decoderResult().cause());
                    return;
                }
                if (!interim) {
                    state.body(content.content());
                }
                if (content instanceof LastHttpContent) {
                    if (interim) {
                        interim = false;
                    } else {
                        state.complete();
                        if (!keepAlive) {
                            ctx.close();
                        }
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(ExchangeState state, HttpResponse response) {
        keepAlive = HttpUtil.isKeepAlive(response);
        state.protocol = response.protocolVersion().text();
        state.status = response.status().code();
        state.reason = response.status().reasonPhrase();
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Entry<String, String> h : response.headers()) {
            state.responseHeaders.add(new Header(h.getKey(), h.getValue()));
            byName.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        state.listener.responseHeaders(state.protocol, state.status, byName);
    }

    private void malformed(ChannelHandlerContext ctx, ExchangeState state, Throwable cause) {
        keepAlive = false;
        state.protocolError("malformed HTTP/1.1 response (" + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()) + ")", cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        keepAlive = false;
        ExchangeState state = current;
        if (state != null && !state.done()) {
            state.protocolError(state.firstByte
                    ? "the server closed the connection in the middle of the response (" + state.bodyBytes + " body bytes read)"
                    : "the server closed the connection without a response", null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        keepAlive = false;
        ExchangeState state = current;
        if (state != null && !state.done()) {
            state.fail(cause);
        }
        ctx.close();
    }
}
