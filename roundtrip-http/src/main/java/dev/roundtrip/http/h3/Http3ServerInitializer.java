package dev.roundtrip.http.h3;

import dev.roundtrip.http.ConnectionInfo;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.internal.BodyLimitAggregator;
import dev.roundtrip.http.internal.LastResortHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3FrameToHttpObjectCodec;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QLogConfiguration;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Assembles the HTTP/3 side of a listener, in one place: the QUIC server codec on a UDP socket
 * (TLS 1.3 with ALPN {@code h3}, {@link QuicLimits}, Retry tokens when address validation is
 * on), then per QUIC connection the HTTP/3 control streams, and per request stream:
 * <pre>
 *   Http3FrameToHttpObjectCodec -> EarlyDataMarker -> BodyLimitAggregator (413) -> handler -> LastResortHandler
 * </pre>
 * The request handler gets the same {@code FullHttpRequest}s and writes the same single
 * {@code FullHttpResponse} as under {@link dev.roundtrip.http.HttpServerInitializer}, so one
 * handler serves HTTP/1.1, HTTP/2 and HTTP/3. {@link ConnectionInfo#of(Channel)} says "h3".
 *
 * <p>Early data: a request whose head is read while the QUIC connection is still in TLS early
 * data (0-RTT accepted, the client's Finished not yet received) could be a replay, so it gets
 * {@code Early-Data: 1} (RFC 8470 section 5.1) and the handler decides whether to serve it or
 * answer 425 Too Early. A request read after the Finished is safe even if it travelled as 0-RTT:
 * a replayed first flight never completes the handshake. quiche keeps no per-stream "was early
 * data" flag; the connection's state at the moment the head is read is the fact used
 * ({@link QuicheEarlyData}).
 */
public final class Http3ServerInitializer {
    /** The request header an intermediary adds to a request it received in early data (RFC 8470). */
    public static final String EARLY_DATA_HEADER = "early-data";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http3ServerInitializer.class);

    private final HttpLimits limits;
    private final QuicLimits quic;
    private final Supplier<? extends ChannelHandler> handlerFactory;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private volatile RetryTokens retryTokens;

    /**
     * @param limits the HTTP limits shared with the TCP listener (header bytes, body bytes, connections)
     * @param quic the QUIC transport limits
     * @param handlerFactory makes the request handler of each request stream
     */
    public Http3ServerInitializer(HttpLimits limits, QuicLimits quic, Supplier<? extends ChannelHandler> handlerFactory) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.quic = Objects.requireNonNull(quic, "quic");
        this.handlerFactory = Objects.requireNonNull(handlerFactory, "handlerFactory");
    }

    /** ALPN of an HTTP/3 server: {@code h3} only (Netty also lists drafts, which a peer could settle on). */
    public static String[] applicationProtocols() {
        return new String[] {"h3"};
    }

    /**
     * The handler of one of the listener's UDP sockets (call once per socket; the sockets share
     * the limits, counters and Retry tokens): QUIC with {@code ssl} (built with ALPN
     * {@link #applicationProtocols()} and, for 0-RTT, {@code earlyData(true)}).
     *
     * @param wallMillis the wall clock Retry tokens expire by
     */
    public ChannelHandler quicCodec(QuicSslContext ssl, LongSupplier wallMillis) {
        var builder = Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(quic.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(quic.maxData())
                .initialMaxStreamDataBidirectionalLocal(quic.maxStreamData())
                .initialMaxStreamDataBidirectionalRemote(quic.maxStreamData())
                .initialMaxStreamsBidirectional(quic.maxStreams())
                .congestionControlAlgorithm(quic.congestionControl().quiche())
                .tokenHandler(quic.addressValidation() ? retryTokens(wallMillis) : RetryTokens.NONE)
                .handler(new ConnectionInitializer());
        if (quic.qlogDir() != null) {
            builder.option(QuicChannelOption.QLOG, new QLogConfiguration(quic.qlogDir().toString(), "roundtrip h3 listener",
                    "server side of one QUIC connection"));
        }
        return HandshakeProgress.around(builder.build());
    }

    /** One set of Retry tokens for every socket of the listener, so any of them accepts a token another issued. */
    private synchronized RetryTokens retryTokens(LongSupplier wallMillis) {
        if (retryTokens == null) {
            retryTokens = new RetryTokens(Duration.ofSeconds(30), wallMillis);
        }
        return retryTokens;
    }

    /** The Retry tokens of address validation, empty when it is off (or before {@link #quicCodec}). */
    public java.util.Optional<RetryTokens> retryTokens() {
        return java.util.Optional.ofNullable(retryTokens);
    }

    /** QUIC connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** QUIC connections closed at once because {@link HttpLimits#maxConnections()} was reached. */
    public long rejectedConnections() {
        return rejected.get();
    }

    /**
     * Whether 0-RTT can be offered: early data is only safe when each request can be told apart
     * (see {@link QuicheEarlyData}); listeners build their TLS context with {@code earlyData(this)}.
     */
    public static boolean earlyDataSupported() {
        return QuicheEarlyData.available();
    }

    /** One QUIC connection: its info, the handshake watch, the HTTP/3 connection handler. */
    private final class ConnectionInitializer extends ChannelInitializer<QuicChannel> {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        protected void initChannel(QuicChannel ch) {
            if (open.incrementAndGet() > limits.maxConnections()) {
                open.decrementAndGet();
                rejected.incrementAndGet();
                ch.close();
                return;
            }
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            HandshakeProgress.watch(ch);
            ConnectionInfo.attach(ch, new ConnectionInfo((InetSocketAddress) ch.remoteSocketAddress(),
                    (InetSocketAddress) ch.localSocketAddress(), true, "", "h3"));
            Http3SettingsFrame settings = new DefaultHttp3SettingsFrame();
            settings.put(Http3SettingsFrame.HTTP3_SETTINGS_MAX_FIELD_SECTION_SIZE, (long) limits.maxHeaderBytes());
            ch.pipeline().addLast("h3", new Http3ServerConnectionHandler(new StreamInitializer(), null, null, settings, true));
            // No LastResortHandler here: new stream channels travel to the tail of this pipeline,
            // where QUIC registers them; only errors are handled at the end.
            ch.pipeline().addLast("errors", ConnectionErrors.INSTANCE);
        }
    }

    /** One request stream: HTTP/3 frames to HTTP objects, early-data marking, body limit, the handler. */
    private final class StreamInitializer extends ChannelInitializer<QuicStreamChannel> {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        protected void initChannel(QuicStreamChannel stream) {
            stream.pipeline().addLast(
                    new Http3FrameToHttpObjectCodec(true, true),
                    new EarlyDataMarker(),
                    new BodyLimitAggregator((int) Math.min(Integer.MAX_VALUE, limits.maxBodyBytes())),
                    handlerFactory.get(),
                    LastResortHandler.INSTANCE);
        }
    }

    /** The end of a QUIC connection's pipeline: an error nobody handled is logged and closes that connection only. */
    @ChannelHandler.Sharable
    private static final class ConnectionErrors extends ChannelInboundHandlerAdapter {
        static final ConnectionErrors INSTANCE = new ConnectionErrors();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[{}] QUIC connection error: {}", ctx.channel().id(), cause.toString());
            ctx.close();
        }
    }

    /** Adds {@code Early-Data: 1} to a request whose head is read while the connection is still in early data. */
    private static final class EarlyDataMarker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Unknown counts as early: only a connection that cannot be asked (already freed) gets here.
            if (msg instanceof HttpRequest request && QuicheEarlyData.inEarlyData(ctx.channel().parent()).orElse(true)) {
                request.headers().set(EARLY_DATA_HEADER, "1");
            }
            ctx.fireChannelRead(msg);
        }
    }
}
