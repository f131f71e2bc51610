package dev.roundtrip.trace.client;

import dev.roundtrip.http.Transport;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TraceRequest;
import dev.roundtrip.trace.Tracer;
import dev.roundtrip.trace.TracerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the tracing client's code once over loopback before the first real request, so that request
 * measures the network and not the JVM loading Netty's transport and codecs (tens of milliseconds
 * on a cold start, which curl does not pay and would otherwise land in the TCP and request phases).
 * A throw-away responder on {@code 127.0.0.1:0} answers one HTTP/1.1 and one h2c request; the
 * tracer that asks it is separate from the caller's, so no connection or DNS answer carries over.
 */
public final class WarmUp {
    private WarmUp() {}

    /** Warms the client paths {@code config} will use; failures are ignored (warming is an optimisation). */
    public static void run(TracerConfig config) {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "roundtrip-trace-warmup");
        try {
            Channel h1 = bind(group, transport, false);
            Channel h2 = bind(group, transport, true);
            TracerConfig local = config.withConnectTo(List.of()).withReuseConnections(true);
            try (Tracer h1Tracer = new Tracer(local.withHttp(HttpVersion.HTTP_1_1));
                 Tracer h2Tracer = new Tracer(local.withHttp(HttpVersion.HTTP_2))) {
                for (int i = 0; i < 2; i++) {
                    h1Tracer.run(TraceRequest.get("http://127.0.0.1:" + port(h1) + "/warm-up"));
                    h2Tracer.run(TraceRequest.get("http://127.0.0.1:" + port(h2) + "/warm-up"));
                }
            } finally {
                h1.close();
                h2.close();
            }
        } catch (RuntimeException ignored) {
            // a machine without loopback sockets still traces, only the first request is slower
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int port(Channel c) {
        return ((InetSocketAddress) c.localAddress()).getPort();
    }

    private static Channel bind(EventLoopGroup group, Transport transport, boolean h2) {
        return new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (h2) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            boolean end = msg instanceof Http2HeadersFrame h && h.isEndStream()
                                                    || msg instanceof Http2DataFrame d && d.isEndStream();
                                            ReferenceCountUtil.release(msg);
                                            if (end) {
                                                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                                                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {'o', 'k'}), true));
                                            }
                                        }

                                        @Override
                                        public boolean isSharable() {
                                            return true;
                                        }
                                    }));
                        } else {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                    var res = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                            HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[] {'o', 'k'}));
                                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                                    ctx.writeAndFlush(res);
                                }
                            });
                        }
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }
}
