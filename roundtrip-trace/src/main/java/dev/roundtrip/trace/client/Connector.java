package dev.roundtrip.trace.client;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.http.Transport;
import dev.roundtrip.trace.HttpVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens new connections for the tracing client: TCP to each resolved address in turn until one
 * answers (connectStart/End from the pipeline's first handler, connectFailed from the connect
 * future), then the TLS handshake (tlsStart when TCP is up, tlsEnd from
 * {@code SslHandshakeCompletionEvent}), then
 * HTTP/1.1 or HTTP/2 as ALPN (or {@code --http 2} in cleartext) decides. The returned future
 * completes when the connection can carry a request, or fails with a classified
 * {@link dev.roundtrip.trace.TraceException}; cancelling it closes the connection being opened.
 */
public final class Connector {
    private final EventLoopGroup group;
    private final Transport transport;
    private final Network network;
    private final SslContext ssl;
    private final HttpVersion http;
    private final Duration connectTimeout;
    private final Duration tlsTimeout;
    private final AtomicInteger ids = new AtomicInteger();

    public Connector(EventLoopGroup group, Transport transport, Network network, SslContext ssl, HttpVersion http,
                     Duration connectTimeout, Duration tlsTimeout) {
        this.group = group;
        this.transport = transport;
        this.network = network;
        this.ssl = ssl;
        this.http = http;
        this.connectTimeout = connectTimeout;
        this.tlsTimeout = tlsTimeout;
    }

    /** A number for a new connection, unique within this tracer (shared with the QUIC connector). */
    public int nextConnectionId() {
        return ids.incrementAndGet();
    }

    /** Connects along {@code route} to the first of {@code addresses} that accepts. */
    public CompletableFuture<TraceConnection> connect(Route route, List<InetAddress> addresses, RequestListener listener) {
        CompletableFuture<TraceConnection> result = new CompletableFuture<>();
        attempt(route, addresses, 0, listener, result);
        return result;
    }

    private void attempt(Route route, List<InetAddress> addresses, int index, RequestListener listener,
                         CompletableFuture<TraceConnection> result) {
        InetSocketAddress remote = new InetSocketAddress(addresses.get(index), route.connectPort());
        String target = HostPort.format(remote);
        InetSocketAddress real;
        try {
            real = network.connectAddress(remote);
        } catch (IllegalArgumentException unreachable) {
            listener.connectStart(remote);
            connectFailed(route, addresses, index, listener, result, remote, unreachable);
            return;
        }
        int id = nextConnectionId();
        ExchangeTimingHandler timing = new ExchangeTimingHandler();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addFirst("connect-timing", new ConnectTimingHandler(listener, remote, route.tls(),
                                () -> connected(ch, id, route, remote, target, timing, listener, result)));
                        TracePipeline.base(ch, timing);
                    }
                });
        // Success is reported from the pipeline (ConnectTimingHandler, TlsHandshakeHandler); only failure here.
        ChannelFuture connect = bootstrap.connect(real).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                connectFailed(route, addresses, index, listener, result, remote, f.cause());
            }
        });
        result.whenComplete((c, error) -> {
            if (result.isCancelled()) { // abandoned (HTTP/3 won the race): the socket goes, whatever stage it is in
                connect.channel().close();
            }
        });
    }

    /** TCP is up (on the event loop): start TLS, or in cleartext hand over the connection at once. */
    private void connected(Channel ch, int id, Route route, InetSocketAddress remote, String target, ExchangeTimingHandler timing,
                           RequestListener listener, CompletableFuture<TraceConnection> result) {
        if (!route.tls()) {
            result.complete(http == HttpVersion.HTTP_2
                    ? TracePipeline.http2(id, ch, remote, null, timing)
                    : TracePipeline.http1(id, ch, remote, null, timing));
            return;
        }
        SslHandler tls = ssl.newHandler(ch.alloc(), route.urlHost(), route.urlPort());
        tls.setHandshakeTimeoutMillis(tlsTimeout.toMillis());
        TracePipeline.tls(ch, tls, new TlsHandshakeHandler(
                (ctx, info) -> {
                    listener.tlsEnd(info);
                    boolean h2 = "h2".equals(info.alpn());
                    result.complete(h2 ? TracePipeline.http2(id, ctx.channel(), remote, info, timing)
                            : TracePipeline.http1(id, ctx.channel(), remote, info, timing));
                },
                cause -> {
                    listener.tlsFailed(cause);
                    result.completeExceptionally(FailureClassifier.classify(cause, PhaseKind.TLS, route.urlHost() + " (" + target + ")"));
                }));
    }

    private void connectFailed(Route route, List<InetAddress> addresses, int index, RequestListener listener,
                               CompletableFuture<TraceConnection> result, InetSocketAddress remote, Throwable cause) {
        listener.connectFailed(remote, cause);
        if (index + 1 < addresses.size() && !result.isDone()) {
            attempt(route, addresses, index + 1, listener, result); // the next address, as every client does
        } else {
            result.completeExceptionally(FailureClassifier.classify(cause, PhaseKind.CONNECT, HostPort.format(remote)));
        }
    }
}
