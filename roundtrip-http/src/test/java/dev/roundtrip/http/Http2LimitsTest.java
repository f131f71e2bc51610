package dev.roundtrip.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 limits over h2c prior knowledge with a Netty frame-level client: advertised stream limit, rapid-reset GOAWAY. */
class Http2LimitsTest {
    private final EventLoopGroup group = Transport.best().newGroup(1, "test-h2");
    private Channel listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A client that records the server's SETTINGS and GOAWAY and can open streams. */
    static final class Client extends Http2ChannelDuplexHandler {
        final CompletableFuture<Http2SettingsFrame> settings = new CompletableFuture<>();
        final CompletableFuture<Http2GoAwayFrame> goAway = new CompletableFuture<>();
        ChannelHandlerContext ctx;

        @Override
        public void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame s) {
                settings.complete(s);
            } else if (msg instanceof Http2GoAwayFrame g) {
                goAway.complete(g.retain());
            }
            ReferenceCountUtil.release(msg);
        }

        void openAndReset(int streams) {
            for (int i = 0; i < streams; i++) {
                Http2FrameStream stream = newStream();
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/r" + i).scheme("http")
                        .authority("test"), false).stream(stream));
                ctx.write(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
            }
            ctx.flush();
        }
    }

    /** The default limits, except at most {@code streams} concurrent streams and {@code resets} resets per 30 s. */
    static HttpLimits streamsAndResets(int streams, int resets) {
        HttpLimits d = HttpLimits.DEFAULTS;
        return new HttpLimits(d.maxInitialLineBytes(), d.maxHeaderBytes(), d.maxBodyBytes(), d.headerReadTimeout(),
                d.idleTimeout(), d.maxConnections(), streams, resets, Duration.ofSeconds(30));
    }

    /** A connection to {@code listener} by h2c prior knowledge, on {@code group}, with {@code client} after the codec. */
    static Channel connect(EventLoopGroup group, Channel listener, Client client) {
        return new Bootstrap().group(group).channel(Transport.best().socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), client);
                    }
                })
                .connect(HttpServer.boundAddress(listener)).syncUninterruptibly().channel();
    }

    @Test
    void advertisesTheStreamLimitAndSendsGoAwayOnRapidReset() throws Exception {
        listener = HttpServer.bind(Transport.best(), group, group, new InetSocketAddress("127.0.0.1", 0),
                new HttpServerInitializer(streamsAndResets(7, 50), null, true, HttpServerInitializerTest.Echo::new))
                .syncUninterruptibly().channel();
        Client client = new Client();
        Channel ch = connect(group, listener, client);
        Http2SettingsFrame settings = client.settings.get(5, TimeUnit.SECONDS);
        assertThat(settings.settings().maxConcurrentStreams()).isEqualTo(7L);
        ch.eventLoop().execute(() -> client.openAndReset(5));
        ch.eventLoop().execute(() -> client.openAndReset(5));
        ch.eventLoop().execute(() -> client.openAndReset(60));
        Http2GoAwayFrame goAway = client.goAway.get(5, TimeUnit.SECONDS);
        assertThat(goAway.errorCode()).as(goAway.content().toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        goAway.release();
        ch.close().syncUninterruptibly();
    }
}
