package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.TlsInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the tracing client's channel pipeline is assembled, in wire order:
 * <pre>
 *   connect-timing: ConnectTimingHandler                   (until TCP is up: connect events, then installs the rest)
 *   [tls: SslHandler -> handshake: TlsHandshakeHandler]   (https only, added when TCP is up; ALPN picks what follows)
 *   timing: ExchangeTimingHandler                          (plaintext bytes out, first byte in)
 *   http/1.1: HttpClientCodec -> Http1ExchangeHandler
 *   or h2:    Http2FrameCodec -> Http2MultiplexHandler (streams: Http2ExchangeHandler) -> Http2ConnectionWatcher
 *   last: logs and closes on anything nobody handled
 * </pre>
 */
final class TracePipeline {
    /** Limits on what a server may send: the response line, one header section, one chunk header. */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 65536;
    static final int MAX_CHUNK_BYTES = 65536;
    /**
     * HTTP/2 receive windows, per stream and per connection: the same as our QUIC client's
     * ({@code initial_max_stream_data} 1 MiB, {@code initial_max_data} 10 MiB) and of the order
     * browsers use, instead of HTTP/2's 64 KiB default, which at a 100 ms round trip would cap a
     * connection at 640 KB/s whatever the network could carry.
     */
    static final int H2_STREAM_WINDOW = 1 << 20;
    static final int H2_CONNECTION_WINDOW = 10 << 20;

    private static final Logger log = LoggerFactory.getLogger(TracePipeline.class);

    private TracePipeline() {}

    /** The handlers present from the start: the timing tap and the tail (TLS and HTTP go in between later). */
    static void base(Channel channel, ExchangeTimingHandler timing) {
        channel.pipeline().addLast("timing", timing);
        channel.pipeline().addLast("last", new LastHandler());
    }

    /** Adds TLS in front of the timing tap once TCP is up; the handshake starts as the SslHandler joins an active channel. */
    static void tls(Channel channel, SslHandler ssl, TlsHandshakeHandler handshake) {
        channel.pipeline().addBefore("timing", "tls", ssl);
        channel.pipeline().addBefore("timing", "handshake", handshake);
    }

    /** Adds HTTP/1.1 and returns the connection that speaks it. */
    static Http1Connection http1(int id, Channel channel, InetSocketAddress remote, TlsInfo tls, ExchangeTimingHandler timing) {
        Http1ExchangeHandler handler = new Http1ExchangeHandler();
        channel.pipeline().addBefore("last", "http1", new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK_BYTES));
        channel.pipeline().addBefore("last", "exchange", handler);
        return new Http1Connection(id, channel, remote, tls, handler, timing);
    }

    /** Adds HTTP/2 (the connection preface goes out at once) and returns the connection that speaks it. */
    static Http2Connection http2(int id, Channel channel, InetSocketAddress remote, TlsInfo tls, ExchangeTimingHandler timing) {
        Http2ConnectionWatcher watcher = new Http2ConnectionWatcher();
        ChannelPipeline p = channel.pipeline();
        p.addBefore("last", "http2", Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).maxHeaderListSize(MAX_HEADER_BYTES)
                        .initialWindowSize(H2_STREAM_WINDOW))
                .validateHeaders(true)
                .build());
        p.addBefore("last", "streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        p.addBefore("last", "watcher", watcher);
        // The connection window only grows by WINDOW_UPDATE on stream 0 (RFC 9113 section 6.9.2).
        channel.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame(
                H2_CONNECTION_WINDOW - io.netty.handler.codec.http2.Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        return new Http2Connection(id, channel, remote, tls, timing, watcher);
    }

    /** The end of every pipeline: whatever reaches it is logged with the connection and the connection closed. */
    private static final class LastHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("trace connection {}: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
