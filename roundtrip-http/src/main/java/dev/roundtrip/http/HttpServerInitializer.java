package dev.roundtrip.http;

import dev.roundtrip.http.internal.BodyLimitAggregator;
import dev.roundtrip.http.internal.ConnectionIdleHandler;
import dev.roundtrip.http.internal.ConnectionCounter;
import dev.roundtrip.http.internal.FirstRequestHandler;
import dev.roundtrip.http.internal.Http1DrainHandler;
import dev.roundtrip.http.internal.Http1RequestGuard;
import dev.roundtrip.http.internal.LastResortHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the byte-level pipeline of one downstream HTTP connection, in one place: connection
 * limit, idle timeout, then either TLS (SNI picks the certificate, ALPN picks h2 or http/1.1) or
 * cleartext (HTTP/1.1, h2c by {@code Upgrade} or by prior knowledge), then the protocol's codec
 * and limits, and finally the request handler.
 *
 * <p>The handler contract is the same for every protocol: the handler made by
 * {@code handlerFactory} (one per HTTP/1.1 connection, one per HTTP/2 stream) reads
 * {@link io.netty.handler.codec.http.FullHttpRequest}s that are well formed and within
 * {@link HttpLimits}, and writes exactly one response per request, in request order: a
 * {@link io.netty.handler.codec.http.FullHttpResponse} with a Content-Length, or a streamed
 * {@link io.netty.handler.codec.http.HttpResponse} (Content-Length or chunked) followed by its
 * contents up to a {@link io.netty.handler.codec.http.LastHttpContent}. Keep-alive, pipelining bookkeeping,
 * {@code Connection: close}, and the 400/408/413/414/431 answers are done here. Use
 * {@link ConnectionInfo#of(Channel)} for the peer, TLS and protocol of a request.
 *
 * <p>Given a {@link RequestHandler} for streams, HTTP/2 streams get no channel and no pipeline
 * each: an {@link Http2StreamDispatcher} on the connection gathers their requests and hands each to
 * that handler with the stream as a {@link Downstream} (same limits, same one-response contract).
 *
 * <p>A graceful stop is done here too, the same way for every server: {@link #drain} after the
 * listening socket is closed, {@link #closeAll} at the deadline.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
    private static final Logger log = LoggerFactory.getLogger(HttpServerInitializer.class);
    static final AsciiString SERVER_TIMING = AsciiString.cached("server-timing");
    static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");

    private final HttpLimits limits;
    private volatile Mapping<? super String, ? extends SslContext> tls;
    private final boolean h2;
    private final Supplier<? extends ChannelHandler> handlerFactory;
    private final Supplier<? extends ChannelHandler> extendedConnectFactory;
    private final RequestHandler streamRequests;
    private final ConnectionCounter connections;
    private final Set<Channel> streams = ConcurrentHashMap.newKeySet();

    /**
     * @param limits limits enforced on every connection
     * @param tls certificate per SNI name (it must return a default for unknown or absent names),
     *     or null for cleartext
     * @param h2 whether HTTP/2 is offered (ALPN "h2" over TLS; h2c upgrade and prior knowledge in
     *     cleartext)
     * @param handlerFactory makes the request handler for each HTTP/1.1 connection or HTTP/2 stream
     */
    public HttpServerInitializer(HttpLimits limits, Mapping<? super String, ? extends SslContext> tls, boolean h2,
            Supplier<? extends ChannelHandler> handlerFactory) {
        this(limits, tls, h2, handlerFactory, null);
    }

    /**
     * With extended CONNECT (RFC 8441) on HTTP/2: SETTINGS_ENABLE_CONNECT_PROTOCOL is advertised and
     * every stream's pipeline starts with a handler from {@code extendedConnectFactory}, which sees
     * the stream's frames before they become HTTP objects (it takes over a CONNECT with
     * {@code :protocol}, and steps aside for anything else).
     *
     * @param extendedConnectFactory makes that first handler per HTTP/2 stream, or null for none
     */
    public HttpServerInitializer(HttpLimits limits, Mapping<? super String, ? extends SslContext> tls, boolean h2,
            Supplier<? extends ChannelHandler> handlerFactory, Supplier<? extends ChannelHandler> extendedConnectFactory) {
        this(limits, tls, h2, handlerFactory, extendedConnectFactory, null);
    }

    /**
     * With HTTP/2 streams run without a channel each: an {@link Http2StreamDispatcher} after the
     * connection's codec hands every stream's request to {@code streamRequests}, with the stream
     * as its {@link Downstream}, instead of building a pipeline per stream. Extended CONNECT
     * streams (and the streams opened after one on its connection) still get a channel each, with
     * the pipeline described above.
     *
     * @param streamRequests handles the requests of HTTP/2 streams, or null for a channel per stream
     */
    public HttpServerInitializer(HttpLimits limits, Mapping<? super String, ? extends SslContext> tls, boolean h2,
            Supplier<? extends ChannelHandler> handlerFactory, Supplier<? extends ChannelHandler> extendedConnectFactory,
            RequestHandler streamRequests) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.tls = tls;
        this.h2 = h2;
        this.handlerFactory = Objects.requireNonNull(handlerFactory, "handlerFactory");
        this.extendedConnectFactory = extendedConnectFactory;
        this.streamRequests = streamRequests;
        this.connections = new ConnectionCounter(limits.maxConnections());
    }

    /**
     * Offers {@code next} to TLS connections accepted from now on (certificate rotation on a
     * reload); open connections keep the certificate they negotiated.
     *
     * @throws IllegalArgumentException when this server is cleartext or {@code next} is null: a
     *     listener cannot switch between TLS and cleartext
     */
    public void certificates(Mapping<? super String, ? extends SslContext> next) {
        if (tls == null || next == null) {
            throw new IllegalArgumentException("a listener cannot switch between TLS and cleartext");
        }
        tls = next;
    }

    /**
     * Takes the HTTP/1.1 handlers out of a downstream connection that switched protocols (after its
     * {@code 101} was written): codec, request guard, aggregator, keep-alive, the request handler and
     * the connection idle timeout. What the client sends next reaches, as raw bytes, the handlers
     * the caller adds before the returned name. Call on the channel's event loop, after the
     * {@code 101} went through the codec.
     *
     * @return the name of the handler before which the new protocol's handlers go
     */
    public static String removeHttp1Handlers(ChannelPipeline p) {
        for (String name : new String[] {"idle", "guard", "aggregator", "keep-alive", "handler", "first-request"}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        if (p.get(HttpServerUpgradeHandler.class) != null) {
            p.remove(HttpServerUpgradeHandler.class);
        }
        if (p.get(HttpServerCodec.class) != null) {
            p.remove(HttpServerCodec.class);
        }
        return "last-resort";
    }

    /** Downstream connections open now on the listeners using this initializer. */
    public int openConnections() {
        return connections.open();
    }

    /** Connections closed at once because {@link HttpLimits#maxConnections()} was reached. */
    public long rejectedConnections() {
        return connections.rejected();
    }

    /**
     * Starts draining every connection open now (close the listening socket first): each connection
     * and each of its HTTP/2 streams gets {@code event} as a user event (for handlers holding
     * long-lived exchanges such as tunnels), then
     * <ul>
     *   <li>HTTP/2 sends GOAWAY with the last stream id it accepted, so the client opens no new
     *       stream here, and closes once its open streams end, or after {@code grace};
     *   <li>HTTP/1.1 closes at once when no response is owed, otherwise after the owed response,
     *       which carries {@code Connection: close};
     *   <li>a connection that has not sent a request yet (TLS handshake, waiting for the first
     *       request) closes at once;
     *   <li>a connection taken over by another protocol (101) is left to the handler of
     *       {@code event}, and to {@link #closeAll()}.
     * </ul>
     * Returns at once; the work runs on each connection's event loop.
     */
    public void drain(Object event, Duration grace) {
        long graceMillis = Math.max(0, grace.toMillis());
        for (Channel ch : connections.channels()) {
            ch.eventLoop().execute(() -> drain(ch, event, graceMillis));
        }
    }

    private void drain(Channel ch, Object event, long graceMillis) {
        if (!ch.isActive()) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        p.fireUserEventTriggered(event);
        for (Channel stream : streams) {
            if (stream.parent() == ch) {
                stream.pipeline().fireUserEventTriggered(event);
            }
        }
        Http2FrameCodec h2 = p.get(Http2FrameCodec.class);
        if (h2 != null) {
            // Netty's graceful close of HTTP/2: GOAWAY(NO_ERROR, last-stream-id = the last stream
            // accepted) now, then close when no stream is open or the timeout passes (RFC 9113 section 6.8).
            h2.gracefulShutdownTimeoutMillis(graceMillis);
            ch.close();
            return;
        }
        ChannelHandlerContext h1 = p.context(Http1DrainHandler.class);
        if (h1 != null) {
            ((Http1DrainHandler) h1.handler()).drain(h1);
        } else if (p.get("first-request") != null || p.get("alpn") != null || p.get("sni") != null) {
            ch.close();
        }
    }

    /** Closes every connection still open (the drain deadline), HTTP/2 ones without waiting for their streams. */
    public void closeAll() {
        for (Channel ch : connections.channels()) {
            ch.eventLoop().execute(() -> {
                if (ch.pipeline().get(Http2FrameCodec.class) != null) {
                    // The drain's graceful close of HTTP/2 already runs, with its own timer: a second
                    // close through the pipeline would only wait for it. The deadline is now, so the
                    // socket closes under the codec.
                    ch.unsafe().close(ch.unsafe().voidPromise());
                    return;
                }
                ch.close();
            });
        }
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        Mapping<? super String, ? extends SslContext> tls = this.tls;
        ch.attr(ConnectionInfo.KEY).set(new ConnectionInfo((InetSocketAddress) ch.remoteAddress(),
                (InetSocketAddress) ch.localAddress(), tls != null, "", "http/1.1"));
        p.addLast("connections", connections);
        p.addLast("idle", new ConnectionIdleHandler(limits.idleTimeout()));
        if (tls != null) {
            p.addLast("sni", new SniHandler(tls, 16 * 1024, 10_000));
            p.addLast("alpn", new AlpnHandler());
        } else if (h2) {
            HttpServerCodec codec = newCodec();
            HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol -> {
                if (AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
                    return new Http2ServerUpgradeCodec(newHttp2Codec(), newStreamHandler());
                }
                return null;
            }, (int) Math.min(limits.maxBodyBytes(), 64 * 1024));
            p.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelHandlerAdapter() {
                // HTTP/2 by prior knowledge: put the HTTP/2 handlers in this placeholder's place (not at the end).
                @Override
                public void handlerAdded(ChannelHandlerContext ctx) {
                    ctx.pipeline().addAfter(ctx.name(), "h2", newHttp2Codec()).addAfter("h2", streamHandlerName(), newStreamHandler());
                    ctx.pipeline().remove(this);
                }
            }));
            p.addLast("first-request", new FirstRequestHandler(limits.headerReadTimeout(), this::addHttp1Chain));
        } else {
            p.addLast("codec", newCodec());
            addHttp1Chain(p);
        }
        p.addLast("last-resort", LastResortHandler.INSTANCE);
    }

    private HttpServerCodec newCodec() {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024));
    }

    /** HTTP/1.1 after the codec: request guard (400/408/414/431), body limit (413), keep-alive, handler. */
    private void addHttp1Chain(ChannelPipeline p) {
        String before = p.get("last-resort") == null ? null : "last-resort";
        addBefore(p, before, "guard", new Http1RequestGuard(limits.headerReadTimeout()));
        addBefore(p, before, "drain", new Http1DrainHandler());
        addBefore(p, before, "aggregator", new BodyLimitAggregator((int) limits.maxBodyBytes()));
        addBefore(p, before, "keep-alive", new HttpServerKeepAliveHandler());
        addBefore(p, before, "handler", handlerFactory.get());
    }

    private static void addBefore(ChannelPipeline p, String before, String name, ChannelHandler handler) {
        if (before == null) {
            p.addLast(name, handler);
        } else {
            p.addBefore(before, name, handler);
        }
    }

    private Http2FrameCodec newHttp2Codec() {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(limits.maxConcurrentStreams())
                .maxHeaderListSize(limits.maxHeaderBytes());
        if (extendedConnectFactory != null) {
            settings.connectProtocolEnabled(true); // RFC 8441 section 3
        }
        // validateHeaders stays on (the default): the decoder checks every field's name and value,
        // and the dispatcher hands the fields on as they are, to HTTP/1.1 upstreams too.
        return new ServerCodecBuilder()
                .initialSettings(settings)
                .decoderEnforceMaxRstFramesPerWindow(limits.maxResetsPerWindow(), (int) limits.resetWindow().toSeconds())
                .headerSensitivityDetector(HttpServerInitializer::neverIndexed)
                .build();
    }

    /**
     * Builds the server's HTTP/2 codec like {@link Http2FrameCodecBuilder#forServer()}, except that
     * the connection shares its send window evenly among the streams with data to send
     * ({@link UniformStreamByteDistributor}) instead of by the priority tree: RFC 9113 section 5.3.2
     * deprecated client priorities, and keeping that tree up to date cost a share of every stream.
     */
    private static final class ServerCodecBuilder extends Http2FrameCodecBuilder {
        ServerCodecBuilder() {
            gracefulShutdownTimeoutMillis(0);
        }

        @Override
        public Http2FrameCodec build() {
            // The connection says it is the server's, so server(true) must not be set as well.
            DefaultHttp2Connection connection = new DefaultHttp2Connection(true, maxReservedStreams());
            connection.remote().flowController(
                    new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
            connection(connection);
            return super.build();
        }
    }

    /**
     * Response headers whose value differs on every response are sent as HPACK literals "never
     * indexed" (RFC 7541 section 6.2.3): entering them in the dynamic table would only evict the
     * entries that do repeat (content-type, via, server) and cost a table search per header.
     * Set-Cookie is never indexed anyway (RFC 7541 section 7.1.3). Date is indexed: its value
     * repeats for a whole second, every response of which then sends one byte for it instead of
     * a Huffman-coded literal.
     */
    private static boolean neverIndexed(CharSequence name, CharSequence value) {
        return AsciiString.contentEqualsIgnoreCase(name, SERVER_TIMING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.SET_COOKIE)
                || AsciiString.contentEqualsIgnoreCase(name, TRACEPARENT);
    }

    /** What follows the HTTP/2 codec: the dispatcher of stream requests, or the multiplexer of stream channels. */
    private ChannelHandler newStreamHandler() {
        if (streamRequests == null) {
            return newMultiplexer();
        }
        return new Http2StreamDispatcher(streamRequests, limits.maxBodyBytes(),
                extendedConnectFactory == null ? null : this::newMultiplexer);
    }

    private String streamHandlerName() {
        return streamRequests == null ? "multiplex" : "streams";
    }

    private Http2MultiplexHandler newMultiplexer() {
        return new Http2MultiplexHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel stream) {
                streams.add(stream);
                stream.closeFuture().addListener(f -> streams.remove(stream));
                Channel connection = stream.parent();
                ConnectionInfo info = connection.attr(ConnectionInfo.KEY).get();
                if (info != null && !info.protocol().startsWith("h2")) {
                    connection.attr(ConnectionInfo.KEY).set(info.withProtocol(info.secure() ? "h2" : "h2c"));
                }
                if (extendedConnectFactory != null) {
                    stream.pipeline().addLast("extended-connect", extendedConnectFactory.get());
                }
                stream.pipeline().addLast(
                        new Http2StreamFrameToHttpObjectCodec(true),
                        new BodyLimitAggregator((int) limits.maxBodyBytes()),
                        handlerFactory.get(),
                        LastResortHandler.INSTANCE);
            }
        });
    }

    /** After the TLS handshake: HTTP/2 or HTTP/1.1, as ALPN decided (HTTP/1.1 when the client sent no ALPN). */
    private final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
        AlpnHandler() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SniCompletionEvent sni && sni.isSuccess()) {
                Channel ch = ctx.channel();
                ch.attr(ConnectionInfo.KEY).set(ch.attr(ConnectionInfo.KEY).get().withSni(sni.hostname()));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ChannelPipeline p = ctx.pipeline();
            Channel ch = ctx.channel();
            if (h2 && ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ch.attr(ConnectionInfo.KEY).set(ch.attr(ConnectionInfo.KEY).get().withProtocol("h2"));
                // Responses of many streams finish in one event-loop turn: one TLS write for all of them.
                p.addBefore("last-resort", "flush", new FlushConsolidationHandler(256, true));
                p.addBefore("last-resort", "h2", newHttp2Codec());
                p.addBefore("last-resort", streamHandlerName(), newStreamHandler());
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                p.addBefore("last-resort", "codec", newCodec());
                addHttp1Chain(p);
            } else {
                throw new IllegalStateException("unexpected ALPN protocol: " + protocol);
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[{}] TLS handshake failed: {}", ctx.channel().id(), cause.toString());
            ctx.close();
        }
    }
}
