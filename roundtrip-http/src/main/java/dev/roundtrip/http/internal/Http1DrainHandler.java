package dev.roundtrip.http.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right after the request guard of an HTTP/1.1 connection and knows whether a response is
 * owed (counting from a request's headers, so a request whose body is still arriving counts):
 * when the server drains, an idle connection closes at once and a busy one answers its last
 * outstanding request with {@code Connection: close} and closes after writing it (RFC 9112
 * section 9.6); what the client sends after that is not processed. A connection that switched
 * protocols (101) is left to whoever took it over. Runs on the connection's event loop only.
 */
public final class Http1DrainHandler extends ChannelDuplexHandler {
    private int pending;
    private boolean draining;
    private boolean closing;
    private boolean switched;
    private boolean closeAfterBody;

    /** Starts draining this connection; call on its event loop. */
    public void drain(ChannelHandlerContext ctx) {
        if (switched || draining) {
            return;
        }
        draining = true;
        if (pending == 0) {
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing && msg instanceof HttpObject) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            pending++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                switched = true;
            } else if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL && pending > 0) {
                pending--;
                if (draining && pending == 0) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    closing = true;
                    closeAfterBody = true;
                }
            }
        }
        if (closeAfterBody && msg instanceof LastHttpContent) {
            closeAfterBody = false;
            ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.write(msg, promise);
    }
}
