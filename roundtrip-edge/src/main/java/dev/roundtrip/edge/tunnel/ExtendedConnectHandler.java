package dev.roundtrip.edge.tunnel;

import dev.roundtrip.edge.proxy.DrainStarted;
import dev.roundtrip.edge.proxy.ListenerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every downstream HTTP/2 stream (RFC 8441, bootstrapping WebSockets with
 * HTTP/2): a stream that opens with an extended CONNECT ({@code :method CONNECT},
 * {@code :protocol websocket}) is taken over: the rest of the stream's HTTP handling is removed, an
 * HTTP/1.1 upgrade goes to the backend, the stream is answered {@code :status 200} when the backend
 * answers 101, and from then on this handler turns DATA frames into the bytes of WebSocket frames
 * and back (the frames are those of RFC 6455, masking included). Any other stream is left to the
 * HTTP handlers: this handler removes itself.
 *
 * <p>HTTP/2 flow control is the backpressure: while the tunnel does not read the stream, no
 * WINDOW_UPDATE goes to the client.
 */
public final class ExtendedConnectHandler extends ChannelDuplexHandler implements DownstreamSide {
    private static final Set<String> NOT_FORWARDED = Set.of("sec-websocket-accept", "content-length", "upgrade", "connection");

    private final ListenerContext context;
    private final Tunnels tunnels;
    private ChannelHandlerContext ctx;
    private boolean tunnelling;

    public ExtendedConnectHandler(ListenerContext context, Tunnels tunnels) {
        this.context = context;
        this.tunnels = tunnels;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnelling) {
            if (msg instanceof Http2DataFrame data) {
                boolean end = data.isEndStream();
                ctx.fireChannelRead(data.content().retain());
                data.release();
                if (end) {
                    ctx.fireUserEventTriggered(FrameRelay.CLIENT_ENDED_STREAM);
                }
            } else {
                ReferenceCountUtil.release(msg); // trailers, or anything else a tunnel does not carry
            }
            return;
        }
        if (!(msg instanceof Http2HeadersFrame headers) || !WebSocketUpgrade.isExtendedConnect(headers.headers())) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        tunnelling = true;
        removeHttpHandlers(ctx.pipeline());
        Http2Headers h2 = headers.headers();
        if (!WebSocketUpgrade.isWebSocketProtocol(h2)) {
            answer(plain(HttpResponseStatus.NOT_IMPLEMENTED, "extended CONNECT for :protocol " + h2.get(":protocol")
                    + " is not supported (allowed: websocket)"));
            return;
        }
        ctx.channel().config().setAutoRead(false); // nothing to read before the tunnel is open
        String key = WebSocketUpgrade.newKey();
        FullHttpRequest upgrade = WebSocketUpgrade.fromExtendedConnect(h2, key);
        new TunnelExchange(context, tunnels, this, upgrade, WebSocketUpgrade.accept(key)).start();
    }

    /** Everything after this handler but the pipeline's last (the server's last-resort handler). */
    private void removeHttpHandlers(ChannelPipeline p) {
        List<String> names = new ArrayList<>(p.names());
        int self = names.indexOf(ctx.name());
        for (int i = self + 1; i < names.size() - 1; i++) {
            p.remove(names.get(i));
        }
    }

    private FullHttpResponse plain(HttpResponseStatus status, String text) {
        return dev.roundtrip.http.PlainResponses.of(ctx.alloc(), status, status.code() + " " + status.reasonPhrase() + ": " + text);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (tunnelling && msg instanceof ByteBuf bytes) {
            ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void answer(FullHttpResponse response) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        Http2Headers headers = HttpConversionUtil.toHttp2Headers(response, true);
        boolean empty = !response.content().isReadable();
        ctx.write(new DefaultHttp2HeadersFrame(headers, empty));
        if (empty) {
            response.release();
        } else {
            ctx.write(new DefaultHttp2DataFrame(response.content(), true));
        }
        ctx.flush();
    }

    @Override
    public void switched(HttpHeaders backend, Tunnel tunnel) {
        Http2Headers headers = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText());
        for (Map.Entry<String, String> e : backend) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(name)) {
                headers.add(AsciiString.of(name), e.getValue());
            }
        }
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        ChannelPipeline p = ctx.pipeline();
        long idle = tunnels.config().idleTimeout().toNanos();
        p.addAfter(ctx.name(), "ws-idle", new IdleStateHandler(0, 0, idle, TimeUnit.NANOSECONDS));
        p.addAfter("ws-idle", "ws-decoder", new WebSocket08FrameDecoder(FrameRelay.decoderConfig(true, tunnels.config().maxFrameBytes())));
        p.addAfter("ws-decoder", "ws-encoder", new WebSocket08FrameEncoder(false));
        p.addAfter("ws-encoder", "relay", new FrameRelay(tunnel, true));
        TunnelConnectionHandler.register(ctx.channel());
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Sits on an HTTP/2 connection that carries tunnels, right after its idle timeout handler:
     * passes {@link DrainStarted} (fired on connections, not on their streams) on to each tunnel
     * stream, whose relay arms the 1001 close; and keeps the connection's idle timeout from closing
     * a connection whose tunnels are open (each tunnel has its own, {@code websocket.idle_timeout}).
     * Runs on the connection's loop, which is its streams' loop.
     */
    static final class TunnelConnectionHandler extends ChannelInboundHandlerAdapter {
        private static final String NAME = "ws-connection";
        private final Set<Channel> streams = new java.util.LinkedHashSet<>();

        static void register(Channel stream) {
            ChannelPipeline p = stream.parent().pipeline();
            TunnelConnectionHandler h = (TunnelConnectionHandler) p.get(NAME);
            if (h == null) {
                h = new TunnelConnectionHandler();
                if (p.get("idle") != null) {
                    p.addAfter("idle", NAME, h);
                } else {
                    p.addFirst(NAME, h);
                }
            }
            TunnelConnectionHandler handler = h;
            handler.streams.add(stream);
            stream.closeFuture().addListener(x -> handler.streams.remove(stream));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && !streams.isEmpty()) {
                return; // the tunnels time out on their own
            }
            if (evt instanceof DrainStarted) {
                for (Channel stream : List.copyOf(streams)) {
                    stream.pipeline().fireUserEventTriggered(evt);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
