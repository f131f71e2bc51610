package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection speaking HTTP/2 (negotiated by ALPN, or h2c by prior knowledge): each exchange is a
 * new stream, so a reused connection needs no new handshake. The first HEADERS frame of the
 * stream marks the first response byte: connection-level frames (SETTINGS, WINDOW_UPDATE) that
 * may arrive meanwhile are not the response.
 */
public final class Http2Connection extends TraceConnection {
    private final ExchangeTimingHandler timing;
    private final Http2ConnectionWatcher watcher;

    Http2Connection(int id, Channel channel, InetSocketAddress remote, TlsInfo tls,
                    ExchangeTimingHandler timing, Http2ConnectionWatcher watcher) {
        super(id, channel, remote, tls);
        this.timing = timing;
        this.watcher = watcher;
    }

    @Override
    public CompletableFuture<Response> exchange(TraceRequest request, RequestListener listener, Duration timeout) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        List<Header> headers = RequestHeads.http2(request);
        ExchangeState state = new ExchangeState(listener, result, headers, target());
        state.protocol = "h2";
        Http2ExchangeHandler handler = new Http2ExchangeHandler(state);
        onEventLoop(() -> {
            if (!reusable()) {
                state.protocolError("the HTTP/2 connection is closed or going away", null);
                return;
            }
            state.timeout = channel().eventLoop().schedule(
                    () -> handler.abort(new TimeoutException("no complete response within " + timeout.toMillis() + " ms")),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            new Http2StreamChannelBootstrap(channel()).handler(handler).open().addListener(f -> {
                if (f.isSuccess()) {
                    send((Http2StreamChannel) f.getNow(), request, headers, state);
                } else {
                    state.protocolError("cannot open an HTTP/2 stream (" + f.cause().getMessage() + ")", f.cause());
                }
            });
        });
        return result;
    }

    private void send(Http2StreamChannel stream, TraceRequest request, List<Header> headers, ExchangeState state) {
        Http2Headers h2 = new DefaultHttp2Headers();
        for (Header h : headers) {
            h2.add(h.name(), h.value());
        }
        byte[] body = request.body();
        timing.arm(null);
        state.listener.requestStart();
        ChannelFuture last = stream.write(new DefaultHttp2HeadersFrame(h2, body.length == 0));
        if (body.length > 0) {
            last = stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        }
        stream.flush();
        last.addListener(f -> {
            if (f.isSuccess()) {
                if (!state.done()) {
                    state.sent(timing.bytesWritten());
                }
            } else {
                state.fail(f.cause());
                stream.close();
            }
        });
    }

    @Override
    public boolean reusable() {
        return channel().isActive() && !watcher.goingAway();
    }

    @Override
    public String protocol() {
        return "h2";
    }
}
