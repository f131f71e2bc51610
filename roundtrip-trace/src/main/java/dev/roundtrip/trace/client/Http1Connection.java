package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A connection speaking HTTP/1.1: one request, then its response, then the next (no pipelining). */
public final class Http1Connection extends TraceConnection {
    private final Http1ExchangeHandler handler;
    private final ExchangeTimingHandler timing;

    Http1Connection(int id, Channel channel, InetSocketAddress remote, TlsInfo tls,
                    Http1ExchangeHandler handler, ExchangeTimingHandler timing) {
        super(id, channel, remote, tls);
        this.handler = handler;
        this.timing = timing;
    }

    @Override
    public CompletableFuture<Response> exchange(TraceRequest request, RequestListener listener, Duration timeout) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        List<Header> headers = RequestHeads.http1(request);
        ExchangeState state = new ExchangeState(listener, result, headers, target());
        onEventLoop(() -> start(request, headers, state, timeout));
        return result;
    }

    private void start(TraceRequest request, List<Header> headers, ExchangeState state, Duration timeout) {
        if (!channel().isActive()) {
            state.protocolError("the connection closed before the request was sent", null);
            return;
        }
        if (!handler.begin(state)) {
            state.protocolError("the connection is busy with another exchange", null);
            return;
        }
        byte[] body = request.body();
        FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.target(), Unpooled.wrappedBuffer(body));
        for (Header h : headers) {
            message.headers().add(h.name(), h.value());
        }
        state.timeout = channel().eventLoop().schedule(
                () -> fail(state, new TimeoutException("no complete response within " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        timing.arm(state::firstByte);
        state.listener.requestStart();
        channel().writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                if (!state.done()) {
                    state.sent(timing.bytesWritten());
                }
            } else {
                fail(state, f.cause());
            }
        });
    }

    private void fail(ExchangeState state, Throwable cause) {
        timing.disarm();
        state.fail(cause);
        channel().close(); // the connection's state is unknown after a failed exchange
    }

    @Override
    public boolean reusable() {
        return channel().isActive() && handler.idleAndKeepAlive();
    }

    @Override
    public String protocol() {
        return "HTTP/1.1";
    }
}
