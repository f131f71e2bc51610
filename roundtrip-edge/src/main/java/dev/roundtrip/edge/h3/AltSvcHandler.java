package dev.roundtrip.edge.h3;

import dev.roundtrip.http.Downstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/**
 * Sits in front of a TCP listener's request handler and adds {@code Alt-Svc: h3=":PORT"} to every
 * response it writes, so clients learn that the same origin speaks HTTP/3 (RFC 7838, RFC 9114
 * section 3.1.1). It installs the wrapped handler right behind itself when added. {@link OnDownstream}
 * does the same for a request whose {@link Downstream} is not a pipeline (an HTTP/2 stream).
 */
final class AltSvcHandler extends ChannelDuplexHandler {
    private static final AsciiString ALT_SVC = AsciiString.cached("alt-svc");

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
        if (msg instanceof HttpResponse response) {
            advertise(value, response);
        }
        ctx.write(msg, promise);
    }

    /** Adds the listener's Alt-Svc to {@code response}, once it is bound, unless the upstream sent one. */
    private static void advertise(Supplier<String> value, HttpResponse response) {
        String v = value.get();
        if (v != null && !response.headers().contains(ALT_SVC)) {
            response.headers().set(ALT_SVC, v);
        }
    }

    /** The header on the responses written to one {@link Downstream}. */
    record OnDownstream(Supplier<String> value, Downstream inner) implements Downstream {
        @Override
        public Channel channel() {
            return inner.channel();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public boolean isWritable() {
            return inner.isWritable();
        }

        @Override
        public void writeHead(HttpResponse head) {
            advertise(value, head);
            inner.writeHead(head);
        }

        @Override
        public void writeContent(HttpContent content) {
            inner.writeContent(content);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void reset() {
            inner.reset();
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }
}
