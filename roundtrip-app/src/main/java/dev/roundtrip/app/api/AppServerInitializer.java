package dev.roundtrip.app.api;

import dev.roundtrip.app.AppConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import dev.roundtrip.app.ws.WebSocketRoute;
import dev.roundtrip.app.ws.WebSockets;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the byte path of an app server connection, cleartext only (TLS ends at the load
 * balancer):
 *
 * <pre>
 *   IdleStateHandler (a silent connection is closed), then:
 *   prior-knowledge h2c preface? ── Http2FrameCodec ─ Http2MultiplexHandler ─┐ per stream:
 *   HTTP/1.1 "Upgrade: h2c"?    ──┘                                          └ Http2StreamFrameToHttpObjectCodec
 *   plain HTTP/1.1              ── HttpServerCodec ─ HttpServerKeepAliveHandler ─┐
 *                                                                                 ├ BodyLimitAggregator ─ AppRequestHandler
 *   HTTP/1.1 upgrade to /ws/echo or /ws/room/NAME as the first request:
 *                               ── HttpServerCodec ─ WebSocketServerProtocolHandler ─ WebSocketFrameAggregator ─ WebSocketHandler
 * </pre>
 *
 * Both protocols end in the same two handlers, so the API cannot tell them apart.
 */
public final class AppServerInitializer extends ChannelInitializer<Channel> {
    private static final Logger log = LoggerFactory.getLogger(AppServerInitializer.class);

    private final Dispatcher dispatcher;
    private final AppConfig.Limits limits;
    private final WebSockets webSockets;
    private final AtomicInteger connections = new AtomicInteger();

    public AppServerInitializer(Dispatcher dispatcher, AppConfig.Limits limits) {
        this(dispatcher, limits, null);
    }

    /** @param webSockets the WebSocket endpoints, or null for none */
    public AppServerInitializer(Dispatcher dispatcher, AppConfig.Limits limits, WebSockets webSockets) {
        this.dispatcher = dispatcher;
        this.limits = limits;
        this.webSockets = webSockets;
    }

    /** Client connections open now. */
    public int connections() {
        return connections.get();
    }

    @Override
    protected void initChannel(Channel ch) {
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            log.debug("{}: more than {} connections, closing", ch, limits.maxConnections());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes()));
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(http2FrameCodec(), new Http2MultiplexHandler(new StreamInitializer()))
                        : null,
                limits.maxBodyBytes());
        ChannelPipeline p = ch.pipeline();
        p.addLast(new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(http2FrameCodec(), new Http2MultiplexHandler(new StreamInitializer()));
            }
        }));
        p.addLast(new Http1Installer());
        p.addLast(new ConnectionErrorLogger());
    }

    private Http2FrameCodec http2FrameCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.maxConcurrentStreams())
                        .maxHeaderListSize(limits.maxHeaderBytes()))
                .build();
    }

    /** The handlers of one HTTP/2 stream: frames to HTTP objects, then the same path as HTTP/1.1. */
    private final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
        @Override
        protected void initChannel(Http2StreamChannel stream) {
            stream.pipeline().addLast(
                    new Http2StreamFrameToHttpObjectCodec(true),
                    new BodyLimitAggregator(dispatcher, limits.maxBodyBytes()),
                    new AppRequestHandler(dispatcher, 0));
        }
    }

    /**
     * Installs the HTTP/1.1 handlers when the first HTTP/1.1 message arrives, that is when the
     * client neither sent the h2c preface nor upgraded to h2c; or the WebSocket handlers when it is an
     * upgrade to one of the {@link WebSocketRoute}s; then steps aside.
     */
    private final class Http1Installer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketRoute ws = webSockets != null && msg instanceof HttpRequest r ? WebSocketRoute.of(r) : null;
            if (ws != null) {
                webSockets.install(ctx.pipeline(), ctx.name(), ws);
                ctx.pipeline().remove(this);
            } else if (msg instanceof HttpMessage) {
                ChannelPipeline p = ctx.pipeline();
                p.addAfter(ctx.name(), "app", new AppRequestHandler(dispatcher, limits.maxPipelined()));
                p.addAfter(ctx.name(), "aggregator", new BodyLimitAggregator(dispatcher, limits.maxBodyBytes()));
                p.addAfter(ctx.name(), "keep-alive", new HttpServerKeepAliveHandler());
                p.remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * The end of every connection pipeline: closes a connection that has been silent for the idle
     * timeout, and logs what nothing else handled and closes only that connection.
     */
    private static final class ConnectionErrorLogger extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                log.debug("{}: idle, closing", ctx.channel());
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: closing after {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
