package dev.roundtrip.edge.h3;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import java.util.function.Supplier;

/**
 * Sits in front of a TCP listener's request handler and adds {@code Alt-Svc: h3=":PORT"} to every
 * response it writes, so clients learn that the same origin speaks HTTP/3 (RFC 7838, RFC 9114
 * section 3.1.1). It installs the wrapped handler right behind itself when added.
 */
final class AltSvcHandler extends ChannelDuplexHandler {
    private final Supplier<String> value;
    private final ChannelHandler inner;

    AltSvcHandler(Supplier<String> value, ChannelHandler inner) {
        this.value = value;
        this.inner = inner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), null, inner);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        String v = value.get();
        if (v != null && msg instanceof HttpResponse response && !response.headers().contains("alt-svc")) {
            response.headers().set("alt-svc", v);
        }
        ctx.write(msg, promise);
    }
}
