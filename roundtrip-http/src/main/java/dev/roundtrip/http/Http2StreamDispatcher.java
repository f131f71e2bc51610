package dev.roundtrip.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of one downstream HTTP/2 connection without a channel per stream: it sits
 * right after the connection's {@link Http2FrameCodec}, collects each stream's HEADERS and DATA
 * into one {@link FullHttpRequest} (413 past the body limit, the stream's window returned as its
 * bytes arrive), hands it to a {@link RequestHandler} with the stream as its {@link Downstream},
 * and writes the response as HEADERS and DATA frames of that stream. A stream is writable while
 * its flow-control window (and the connection) takes more bytes; the codec reports when that
 * changes, and when the stream closes (ended, reset by the client, connection gone).
 *
 * <p>Extended CONNECT (RFC 8441) streams need a channel of their own (they become WebSocket
 * tunnels with a pipeline): the first one adds an {@code Http2MultiplexHandler} behind this handler
 * and is passed to it, and so is every stream the client opens after it on that connection. The
 * multiplexer visits all open streams on a few connection events (writable again, input or TLS
 * closed), expecting each to be its own; while streams of this handler are still open those events
 * skip it, and a writability change reaches it once they have ended.
 *
 * <p>Runs on the connection's event loop only.
 */
final class Http2StreamDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2StreamDispatcher.class);

    private final RequestHandler handler;
    private final int maxBodyBytes;
    private final Supplier<? extends ChannelHandler> multiplexer;
    private final IntObjectMap<Stream> streams = new IntObjectHashMap<>();
    private ChannelHandlerContext ctx;
    private Http2FrameCodec codec;
    private ChannelPromise quiet;
    private ChannelHandlerContext multiplexCtx;
    private boolean writabilityOwed;

    /**
     * @param multiplexer makes the multiplexer for extended CONNECT streams, or null when extended
     *     CONNECT is not offered (such a request is then handled like any other)
     */
    Http2StreamDispatcher(RequestHandler handler, long maxBodyBytes, Supplier<? extends ChannelHandler> multiplexer) {
        this.handler = handler;
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, maxBodyBytes);
        this.multiplexer = multiplexer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null) {
            throw new IllegalStateException("Http2StreamDispatcher must follow an Http2FrameCodec");
        }
        // Writes to a stream the client just reset fail; that is no reason to close the connection.
        this.quiet = new VoidChannelPromise(ctx.channel(), false);
        Channel ch = ctx.channel();
        ConnectionInfo info = ch.attr(ConnectionInfo.KEY).get();
        if (info != null && !info.protocol().startsWith("h2")) {
            ch.attr(ConnectionInfo.KEY).set(info.withProtocol(info.secure() ? "h2" : "h2c"));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2StreamFrame frame)) {
            ctx.fireChannelRead(msg); // SETTINGS, PING, GOAWAY: the codec did the work
            return;
        }
        Stream s = streams.get(frame.stream().id());
        if (s == null) {
            if (multiplexCtx != null) {
                ctx.fireChannelRead(msg); // a stream of the multiplexer
            } else {
                ReferenceCountUtil.release(msg); // a stream that ended here already
            }
            return;
        }
        switch (msg) {
            case Http2HeadersFrame headers -> s.headersRead(headers);
            case Http2DataFrame data -> s.dataRead(data);
            default -> ReferenceCountUtil.release(msg); // RST_STREAM (the close follows), WINDOW_UPDATE, unknown frames
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2FrameStreamEvent event) {
            streamEvent(event);
            return;
        }
        if (unsafeForMultiplexer() && (evt instanceof ChannelInputShutdownReadComplete || evt instanceof ChannelOutputShutdownEvent
                || evt instanceof SslCloseCompletionEvent)) {
            multiplexCtx.fireUserEventTriggered(evt);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void streamEvent(Http2FrameStreamEvent event) {
        Http2FrameStream frameStream = event.stream();
        int id = frameStream.id();
        Stream s = streams.get(id);
        if (s == null) {
            if (multiplexCtx != null) {
                ctx.fireUserEventTriggered(event);
            } else if (event.type() == Http2FrameStreamEvent.Type.State
                    && (frameStream.state() == Http2Stream.State.OPEN || frameStream.state() == Http2Stream.State.HALF_CLOSED_REMOTE)) {
                streams.put(id, new Stream(frameStream, event));
            }
            return;
        }
        if (event.type() == Http2FrameStreamEvent.Type.Writability) {
            s.writabilityChanged();
        } else if (frameStream.state() == Http2Stream.State.CLOSED) {
            streams.remove(id);
            s.closed();
            owedWritability();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (unsafeForMultiplexer()) {
            writabilityOwed = true;
            multiplexCtx.fireChannelWritabilityChanged();
            return;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e) {
            Stream s = streams.get(e.stream().id());
            if (s != null || multiplexCtx == null) {
                // An error of one stream (e.g. a malformed header): that stream ends, the connection stays.
                log.debug("[{}] HTTP/2 stream {} error {}: {}", ctx.channel().id(), e.stream().id(), e.error(),
                        String.valueOf(e.getCause()));
                if (s != null) {
                    s.resetWith(e.error());
                }
                return;
            }
        } else if (unsafeForMultiplexer() && cause.getCause() instanceof SSLException) {
            multiplexCtx.fireExceptionCaught(cause);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!streams.isEmpty()) {
            for (Stream s : new ArrayList<>(streams.values())) {
                s.closed();
            }
            streams.clear();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Stream s : streams.values()) {
            s.releaseRequest();
        }
    }

    /** While streams of this handler are open, the multiplexer must not visit every open stream. */
    private boolean unsafeForMultiplexer() {
        return multiplexCtx != null && !streams.isEmpty();
    }

    private void owedWritability() {
        if (writabilityOwed && streams.isEmpty()) {
            writabilityOwed = false;
            if (ctx.channel().isWritable()) {
                ctx.fireChannelWritabilityChanged();
            }
        }
    }

    /** Hands an extended CONNECT stream, and every stream after it, to the multiplexer (added now). */
    private void toMultiplexer(Stream s, Http2HeadersFrame headers) {
        if (multiplexCtx == null) {
            ctx.pipeline().addAfter(ctx.name(), "multiplex", multiplexer.get());
            multiplexCtx = ctx.pipeline().context("multiplex");
        }
        streams.remove(s.frame.id());
        ctx.fireUserEventTriggered(s.opened); // the multiplexer makes the stream's channel
        ctx.fireChannelRead(headers);
    }

    private static boolean isExtendedConnect(Http2Headers headers) {
        CharSequence method = headers.method();
        return method != null && HttpMethod.CONNECT.asciiName().contentEquals(method)
                && headers.get(Http2Headers.PseudoHeaderName.PROTOCOL.value()) != null;
    }

    /** One stream: its request while it arrives, then the {@link Downstream} its response goes to. */
    private final class Stream implements Downstream {
        final Http2FrameStream frame;
        final Http2FrameStreamEvent opened;
        private HttpRequest head;
        private ByteBuf body;
        private HttpHeaders trailers;
        private boolean taken;
        private Downstream.Events events;
        private boolean closed;
        private boolean ended;
        private boolean writabilityPending;

        Stream(Http2FrameStream frame, Http2FrameStreamEvent opened) {
            this.frame = frame;
            this.opened = opened;
        }

        void headersRead(Http2HeadersFrame frame) {
            if (taken) {
                return; // trailers after a refused body
            }
            if (head == null) {
                requestHeaders(frame);
            } else {
                try {
                    if (trailers == null) {
                        trailers = DefaultHttpHeadersFactory.trailersFactory().newHeaders();
                    }
                    HttpConversionUtil.addHttp2ToHttpHeaders(this.frame.id(), frame.headers(), trailers, HttpVersion.HTTP_1_1, true, true);
                } catch (Http2Exception e) {
                    resetWith(Http2Error.PROTOCOL_ERROR);
                    return;
                }
                if (frame.isEndStream()) {
                    dispatch();
                }
            }
        }

        private void requestHeaders(Http2HeadersFrame frame) {
            Http2Headers h2 = frame.headers();
            if (multiplexer != null && isExtendedConnect(h2)) {
                taken = true;
                toMultiplexer(this, frame);
                return;
            }
            HttpRequest request;
            try {
                // Not validated again: the codec's HPACK decoder checked every name and value (see HttpServerInitializer).
                request = Http2RequestHead.of(this.frame.id(), h2);
            } catch (Http2Exception | RuntimeException e) {
                log.debug("[{}] HTTP/2 stream {}: malformed request: {}", ctx.channel().id(), this.frame.id(), e.toString());
                resetWith(Http2Error.PROTOCOL_ERROR);
                return;
            }
            head = request;
            if (frame.isEndStream()) {
                dispatch();
                return;
            }
            if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
                tooLarge();
                return;
            }
            if (HttpUtil.is100ContinueExpected(request)) {
                request.headers().remove(HttpHeaderNames.EXPECT);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(HttpResponseStatus.CONTINUE.codeAsText()))
                        .stream(this.frame), quiet);
            }
        }

        void dataRead(Http2DataFrame data) {
            int flowControlled = data.initialFlowControlledBytes();
            boolean end = data.isEndStream();
            if (!taken && head != null) {
                ByteBuf content = data.content();
                int size = body == null ? 0 : body.readableBytes();
                if ((long) size + content.readableBytes() > maxBodyBytes) {
                    data.release();
                    returnWindow(flowControlled);
                    tooLarge();
                    return;
                }
                if (content.isReadable()) {
                    if (body == null) {
                        body = content.retain();
                    } else {
                        if (!(body instanceof CompositeByteBuf)) {
                            body = ctx.alloc().compositeBuffer().addComponent(true, body);
                        }
                        ((CompositeByteBuf) body).addComponent(true, content.retain());
                    }
                }
            }
            data.release();
            // The body is bounded by the limit, so the client may send on at once.
            returnWindow(flowControlled);
            if (end && !taken && head != null) {
                dispatch();
            }
        }

        private void returnWindow(int bytes) {
            if (bytes > 0 && !closed) {
                ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(frame), quiet);
            }
        }

        private void dispatch() {
            taken = true;
            HttpRequest h = head;
            head = null;
            ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : body;
            body = null;
            FullHttpRequest request = new DefaultFullHttpRequest(h.protocolVersion(), h.method(), h.uri(), content, h.headers(),
                    trailers == null ? EmptyHttpHeaders.INSTANCE : trailers);
            trailers = null;
            try {
                events = handler.handle(request, this);
            } catch (RuntimeException e) {
                log.warn("[{}] HTTP/2 stream {}: request handler failed: {}", ctx.channel().id(), frame.id(), e.toString(), e);
                resetWith(Http2Error.INTERNAL_ERROR);
            }
        }

        /**
         * 413, then, if the client is still sending, RST_STREAM NO_ERROR: it may stop sending the
         * rest of the body (RFC 9113 section 8.1).
         */
        private void tooLarge() {
            taken = true;
            releaseRequest();
            Http2Stream stream = codec.connection().stream(frame.id());
            boolean clientSending = stream != null && stream.state().remoteSideOpen();
            FullHttpResponse response = PlainResponses.of(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body larger than " + maxBodyBytes + " bytes");
            ended = true;
            ctx.write(new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(response, true), false).stream(frame), quiet);
            // The reset only once the answer is out: a reset drops the stream's DATA still waiting for its window.
            ctx.writeAndFlush(new DefaultHttp2DataFrame(response.content(), true).stream(frame)).addListener(written -> {
                if (clientSending && written.isSuccess()) {
                    resetWith(Http2Error.NO_ERROR);
                }
            });
        }

        void releaseRequest() {
            head = null;
            trailers = null;
            if (body != null) {
                body.release();
                body = null;
            }
        }

        void resetWith(Http2Error error) {
            if (!closed) {
                closed = true;
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(frame), quiet);
            }
        }

        /**
         * Told on a later turn of the loop: the codec reports a stream's new window from inside
         * the read of a WINDOW_UPDATE, and a write from here could end and remove the stream
         * before the codec is done with that frame.
         */
        void writabilityChanged() {
            if (events != null && !writabilityPending) {
                writabilityPending = true;
                ctx.executor().execute(this::tellWritability);
            }
        }

        private void tellWritability() {
            writabilityPending = false;
            if (!closed) {
                events.writabilityChanged();
            }
        }

        void closed() {
            closed = true;
            releaseRequest();
            if (events != null) {
                events.closed();
            }
        }

        @Override
        public Channel channel() {
            return ctx.channel();
        }

        @Override
        public boolean isOpen() {
            return !closed && !ended && ctx.channel().isActive();
        }

        @Override
        public boolean isWritable() {
            Http2Stream stream = codec.connection().stream(frame.id());
            return stream != null && codec.connection().remote().flowController().isWritable(stream);
        }

        @Override
        public void writeHead(HttpResponse response) {
            if (closed || ended) {
                ReferenceCountUtil.release(response);
                return;
            }
            // Validated when they were added (see Downstream#writeHead): checking every field again cost ~1% of h2.
            Http2Headers headers = Http2ResponseHeaders.of(response);
            if (response instanceof FullHttpResponse full) {
                if (!full.content().isReadable() && full.trailingHeaders().isEmpty()) {
                    full.release();
                    ended = true;
                    ctx.write(new DefaultHttp2HeadersFrame(headers, true).stream(frame), quiet);
                    return;
                }
                ctx.write(new DefaultHttp2HeadersFrame(headers, false).stream(frame), quiet);
                writeContent(full);
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers, false).stream(frame), quiet);
        }

        @Override
        public void writeContent(HttpContent content) {
            if (closed || ended) {
                content.release();
                return;
            }
            ByteBuf bytes = content.content();
            if (!(content instanceof LastHttpContent last)) {
                if (bytes.isReadable()) {
                    ctx.write(new DefaultHttp2DataFrame(bytes, false).stream(frame), quiet);
                } else {
                    content.release();
                }
                return;
            }
            ended = true;
            HttpHeaders trailing = last.trailingHeaders();
            if (trailing.isEmpty()) {
                ctx.write(new DefaultHttp2DataFrame(bytes, true).stream(frame), quiet);
                return;
            }
            if (bytes.isReadable()) {
                ctx.write(new DefaultHttp2DataFrame(bytes, false).stream(frame), quiet);
            } else {
                bytes.release();
            }
            ctx.write(new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(trailing, false), true).stream(frame), quiet);
        }

        @Override
        public void flush() {
            ctx.flush();
        }

        @Override
        public void reset() {
            resetWith(Http2Error.INTERNAL_ERROR);
        }

        @Override
        public String toString() {
            return ctx.channel().id().asShortText() + "/" + frame.id();
        }
    }
}
