package dev.roundtrip.http.client;

import dev.roundtrip.core.timeline.MonotonicClock;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled upstream HTTP/2 connection of an {@link Http2ConnectionPool}, the last handler of its
 * pipeline: opens a stream per request (each an {@link Http2StreamExchange}), counts the open
 * ones against the upstream's SETTINGS_MAX_CONCURRENT_STREAMS, and on GOAWAY leaves the pool's
 * usable set and closes once its streams ended (RFC 9113 section 6.8). Package-private.
 */
final class Http2UpstreamConnection extends ChannelInboundHandlerAdapter {
    private static final Http2StreamFrameToHttpObjectCodec CODEC = new Http2StreamFrameToHttpObjectCodec(false, false);

    private final Channel channel;
    private final Http2ConnectionPool pool;
    private Http2FrameCodec codec;
    private int active;
    private long opened;
    private long idleSinceNanos;
    private boolean goingAway;

    Http2UpstreamConnection(Channel channel, Http2ConnectionPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec = ctx.pipeline().get(Http2FrameCodec.class);
    }

    int activeStreams() {
        return active;
    }

    long streamsOpened() {
        return opened;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    boolean hasRoom() {
        if (goingAway || !channel.isActive()) {
            return false;
        }
        int allowed = Math.min(Http2ConnectionPool.DEFAULT_MAX_STREAMS, codec.connection().local().maxActiveStreams());
        return active < allowed;
    }

    /** Opens a stream for {@code w} and sends its request. */
    void openStream(UpstreamConnects.Waiter w, MonotonicClock clock) {
        active++;
        opened++;
        Http2StreamExchange exchange = new Http2StreamExchange(w.request(), w.responseTimeoutNanos(), w.listener(), clock);
        new Http2StreamChannelBootstrap(channel).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(CODEC, exchange);
            }
        }).open().addListener(f -> {
            if (f.isSuccess()) {
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                stream.closeFuture().addListener(x -> streamClosed(clock));
                exchange.start(stream);
            } else {
                streamClosed(clock);
                exchange.notOpened(f.cause());
            }
        });
    }

    private void streamClosed(MonotonicClock clock) {
        active--;
        if (active == 0) {
            idleSinceNanos = clock.nanoTime();
            if (goingAway) {
                channel.close();
                return;
            }
        }
        pool.streamEnded(this);
    }

    /** Takes no new stream and closes once the open ones ended (pool closed, or idle too long). */
    void retire() {
        goingAway = true;
        if (active == 0) {
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2GoAwayFrame) {
                // Streams above its last stream id are failed by the codec and retried as STREAM_REFUSED.
                goingAway = true;
                pool.goingAway(this);
                if (active == 0) {
                    ctx.close();
                }
            } else if (msg instanceof Http2SettingsFrame) {
                pool.streamEnded(this); // SETTINGS_MAX_CONCURRENT_STREAMS may have grown
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // each stream learns it from its own channel closing
    }
}
