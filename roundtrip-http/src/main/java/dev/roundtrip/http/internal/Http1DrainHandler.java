package dev.roundtrip.http.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between the keep-alive handler and the request handler of an HTTP/1.1 connection and knows
 * whether a response is owed: when the server drains, an idle connection closes at once and a busy
 * one answers its last outstanding request with {@code Connection: close} (RFC 9112 section 9.6),
 * after which the keep-alive handler closes it. A connection that switched protocols (101) is left
 * to whoever took it over. Runs on the connection's event loop only.
 */
public final class Http1DrainHandler extends ChannelDuplexHandler {
    private int pending;
    private boolean draining;
    private boolean closeSent;
    private boolean switched;

    /** Starts draining this connection; call on its event loop. */
    public void drain(ChannelHandlerContext ctx) {
        if (switched || draining) {
            return;
        }
        draining = true;
        if (pending == 0) {
            ctx.close();
        }
    }

    /** Whether a request has been read whose response has not been written yet. */
    public boolean busy() {
        return pending > 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            if (closeSent) {
                // We already said Connection: close; a request pipelined behind it is not processed.
                ReferenceCountUtil.release(msg);
                return;
            }
            pending++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                switched = true;
            } else if (response.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL && pending > 0) {
                pending--;
                if (draining && pending == 0) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    closeSent = true;
                }
            }
        }
        ctx.write(msg, promise);
    }
}
