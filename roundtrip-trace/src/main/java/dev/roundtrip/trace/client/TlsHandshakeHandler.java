package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.tls.TlsInfoReader;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Waits for the end of the TLS handshake ({@link SslHandshakeCompletionEvent}, where the fact is),
 * reads what it settled on and hands over: {@code onSuccess} gets the session and the ALPN result
 * and installs HTTP/1.1 or HTTP/2; {@code onFailure} gets the cause. Then it leaves the pipeline.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    private final BiConsumer<ChannelHandlerContext, TlsInfo> onSuccess;
    private final Consumer<Throwable> onFailure;

    TlsHandshakeHandler(BiConsumer<ChannelHandlerContext, TlsInfo> onSuccess, Consumer<Throwable> onFailure) {
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            ctx.pipeline().remove(this);
            if (done.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                onSuccess.accept(ctx, TlsInfoReader.read(ssl));
            } else {
                onFailure.accept(done.cause());
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
