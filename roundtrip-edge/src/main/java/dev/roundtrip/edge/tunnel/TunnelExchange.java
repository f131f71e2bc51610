package dev.roundtrip.edge.tunnel;

import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.cluster.RetryDecision;
import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.edge.config.RouteConfig;
import dev.roundtrip.edge.proxy.AccessLog;
import dev.roundtrip.edge.proxy.ForwardedHeaders;
import dev.roundtrip.edge.proxy.ListenerContext;
import dev.roundtrip.edge.proxy.TraceContext;
import dev.roundtrip.http.ConnectionInfo;
import dev.roundtrip.http.PlainResponses;
import dev.roundtrip.http.client.UpstreamFailure;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Opens one WebSocket tunnel through the balancer, the steps written down once in {@link #start()}:
 * route the upgrade like any request (route, cluster, policy and affinity, forwarded headers,
 * traceparent), connect a dedicated connection to the picked endpoint and send it the HTTP/1.1
 * upgrade; a connect failure is retried on another endpoint as for a GET (nothing was upgraded yet);
 * on {@code 101} the client is answered and both sides become a {@link Tunnel}; any other answer is
 * relayed as an ordinary response and the connection closed.
 *
 * <p>Runs on the downstream channel's event loop; the upstream connection is made on the same loop.
 */
final class TunnelExchange {
    private final ListenerContext context;
    private final Tunnels tunnels;
    private final DownstreamSide down;
    private final FullHttpRequest request;
    private final String expectedAccept;
    private final ConnectionInfo conn;
    private final String target;
    private final long startNanos;
    private final Set<Endpoint> tried = new HashSet<>(4);
    private final List<String> failures = new ArrayList<>(0);
    private Cluster cluster;
    private String routeLabel = "";
    private String hashKey;
    private Cookie newAffinity;
    private CharSequence traceparent = "";
    private int attempts;
    private Endpoint endpoint;
    private long sentNanos;
    private boolean reserved;
    private boolean finished;
    private Set<AddedHeader> added = AddedHeader.ALL; // the listener's, once routed

    /**
     * @param request the HTTP/1.1 upgrade to send upstream (owned by this exchange)
     * @param expectedAccept the {@code Sec-WebSocket-Accept} the backend must answer when the
     *     balancer made the key (extended CONNECT), or null when the client's key is passed through
     */
    TunnelExchange(ListenerContext context, Tunnels tunnels, DownstreamSide down, FullHttpRequest request, String expectedAccept) {
        this.context = context;
        this.tunnels = tunnels;
        this.down = down;
        this.request = request;
        this.expectedAccept = expectedAccept;
        this.conn = ConnectionInfo.of(down.channel());
        this.target = request.uri();
        this.startNanos = context.clock().nanoTime();
        context.inFlight().incrementAndGet();
    }

    /** Route, reserve a tunnel place, rewrite, connect. */
    void start() {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            fail(HttpResponseStatus.BAD_REQUEST, "WebSocket upgrade without a Host header");
            return;
        }
        String path = ForwardedHeaders.originForm(target);
        var table = context.routes(); // one snapshot for this upgrade: a reload swaps it whole
        added = table.addHeaders();
        RouteConfig route = table.router().route(host, path);
        if (route == null) {
            fail(HttpResponseStatus.NOT_FOUND, "no route for host '" + host + "' and path " + path);
            return;
        }
        cluster = table.clusters().get(route.cluster());
        routeLabel = route.label();
        if (!tunnels.reserve()) {
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "max_tunnels (" + tunnels.config().maxTunnels() + ") WebSocket tunnels are open");
            return;
        }
        reserved = true;
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setUri(path);
        ForwardedHeaders.forUpstream(request.headers(), conn, added);
        WebSocketUpgrade.setUpgradeHeaders(request.headers());
        traceparent = TraceContext.of(request.headers(), added.contains(AddedHeader.TRACEPARENT));
        hashKey = cluster.hashKey(request.headers());
        if (hashKey == null) {
            newAffinity = cluster.newAffinityCookie();
            hashKey = newAffinity == null ? null : newAffinity.value();
        }
        cluster.requestStarted();
        attempt();
    }

    private void attempt() {
        endpoint = cluster.pick(hashKey, tried);
        if (endpoint == null) {
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy endpoint in cluster " + cluster.name()
                    + (failures.isEmpty() ? "" : " (after: " + String.join("; ", failures) + ")"));
            return;
        }
        attempts++;
        tried.add(endpoint);
        endpoint.requestStarted();
        Endpoint e = endpoint;
        Channel downCh = down.channel();
        int maxResponse = cluster.config().pool().maxResponseBytes();
        ChannelFuture connect = tunnels.connect(downCh.eventLoop(), e, cluster.config().pool().connectTimeout(), new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("http", new HttpClientCodec())
                        .addLast("aggregator", new HttpObjectAggregator(maxResponse))
                        .addLast("handshake", new Handshake(e));
            }
        });
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                if (finished || !downCh.isActive()) {
                    f.channel().close();
                    e.requestFinished();
                    abandon();
                    return;
                }
                sentNanos = context.clock().nanoTime();
                f.channel().writeAndFlush(request.retainedDuplicate());
            } else {
                UpstreamFailure.Kind kind = f.cause() instanceof ConnectTimeoutException
                        ? UpstreamFailure.Kind.CONNECT_TIMEOUT : UpstreamFailure.Kind.CONNECT_REFUSED;
                failed(e, new UpstreamFailure(kind, "connect " + e.label() + ": " + describe(f.cause())));
            }
        });
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException && t.getMessage() != null) {
            return t.getMessage().contains("refused") ? "connection refused" : t.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void failed(Endpoint e, UpstreamFailure failure) {
        e.requestFinished();
        cluster.failed(e, failure);
        failures.add(e.label() + ": " + failure.detail());
        if (finished) {
            return;
        }
        switch (RetryDecision.decide(failure.kind(), "GET", attempts, cluster.config().retry(), false, cluster::tryRetry)) {
            case RetryDecision.Retry r -> attempt();
            case RetryDecision.GiveUp g -> fail(g.status(), "upstream " + String.join("; then ", failures)
                    + " (cluster " + cluster.name() + ")" + (g.reason().isEmpty() ? "" : "; " + g.reason()));
        }
    }

    /** The backend answered the upgrade. */
    private void responded(Endpoint e, Channel upstream, FullHttpResponse response) {
        e.requestFinished();
        int status = response.status().code();
        cluster.responded(e, status, context.clock().nanoTime() - sentNanos);
        if (finished || !down.channel().isActive()) {
            response.release();
            upstream.close();
            abandon();
            return;
        }
        if (status != 101) {
            upstream.close(); // a dedicated connection: never reused
            ForwardedHeaders.forDownstream(response.headers(), conn.viaVersion(), added);
            addAffinityCookie(response);
            finish(response, e.label(), false);
            down.answer(response);
            return;
        }
        String accept = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
        if (expectedAccept != null && !expectedAccept.equals(accept)) {
            response.release();
            upstream.close();
            fail(HttpResponseStatus.BAD_GATEWAY, "upstream " + e.label() + " answered 101 with a wrong Sec-WebSocket-Accept");
            return;
        }
        ForwardedHeaders.forDownstream(response.headers(), conn.viaVersion(), added);
        addAffinityCookie(response);
        ForwardedHeaders.addServerTiming(response.headers(), context.clock().nanoTime() - startNanos, added);
        finish(response, e.label(), true);
        int maxFrame = tunnels.config().maxFrameBytes();
        Tunnel tunnel = new Tunnel(tunnels, down.channel(), upstream, down.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel,
                conn.clientAddress() + " " + target + " -> " + e.label());
        // Client side first: the backend's first frames may already be behind the 101 in the same read.
        down.switched(response.headers(), tunnel);
        response.release();
        ChannelPipeline p = upstream.pipeline();
        p.addAfter("http", "ws-decoder", new WebSocket08FrameDecoder(FrameRelay.decoderConfig(false, maxFrame)));
        p.addAfter("ws-decoder", "ws-encoder", new WebSocket08FrameEncoder(true));
        p.addAfter("ws-encoder", "relay", new FrameRelay(tunnel, false));
        p.remove("handshake");
        p.remove("aggregator");
        p.remove("http"); // bytes after the 101 go on to the frame decoder
        reserved = false; // the tunnel gives the place back when it ends
        tunnel.start();
    }

    /** The client went away before the upgrade was answered: counted as nginx's 499, nothing written. */
    private void abandon() {
        if (!finished) {
            FullHttpResponse gone = PlainResponses.of(down.channel().alloc(), HttpResponseStatus.valueOf(499), "client closed the connection");
            finish(gone, endpoint == null ? "" : endpoint.label(), false);
            gone.release();
        }
    }

    private void addAffinityCookie(FullHttpResponse response) {
        if (newAffinity != null) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(newAffinity));
        }
    }

    /** Answers the client with an error the balancer produced. */
    private void fail(HttpResponseStatus status, String message) {
        if (finished) {
            return;
        }
        FullHttpResponse response = PlainResponses.of(down.channel().alloc(), status,
                status.code() + " " + status.reasonPhrase() + ": " + message);
        ForwardedHeaders.addServerTiming(response.headers(), context.clock().nanoTime() - startNanos, added);
        finish(response, endpoint == null ? "" : endpoint.label(), false);
        down.answer(response);
    }

    private void finish(FullHttpResponse response, String upstream, boolean upgraded) {
        finished = true;
        long lbNanos = context.clock().nanoTime() - startNanos;
        int status = response.status().code();
        String clusterName = cluster == null ? "" : cluster.name();
        context.metrics().request(context.listener(), conn.family(), routeLabel, clusterName, status, lbNanos);
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessLog.Entry(conn.clientAddress(), "GET", target,
                    conn.protocol() + "+websocket", status, response.content().readableBytes(), lbNanos, lbNanos, upstream,
                    sentNanos == 0 ? -1 : context.clock().nanoTime() - sentNanos, Math.max(0, attempts - 1), clusterName, traceparent.toString()));
        }
        if (reserved && !upgraded) {
            tunnels.release();
            reserved = false;
        }
        request.release();
        context.inFlight().decrementAndGet();
    }

    /** Waits on the upstream connection for the answer to the upgrade, within the cluster's response timeout. */
    private final class Handshake extends ChannelInboundHandlerAdapter {
        private final Endpoint e;
        private ScheduledFuture<?> timeout;
        private boolean answered;

        Handshake(Endpoint e) {
            this.e = e;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            long nanos = cluster.config().responseTimeout().toNanos();
            timeout = ctx.executor().schedule(() -> {
                if (!answered) {
                    answered = true;
                    ctx.close();
                    failed(e, new UpstreamFailure(UpstreamFailure.Kind.RESPONSE_TIMEOUT,
                            "no answer to the upgrade within " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms"));
                }
            }, nanos, TimeUnit.NANOSECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (answered || !(msg instanceof FullHttpResponse response)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            answered = true;
            cancel();
            if (response.decoderResult().isFailure()) {
                response.release();
                ctx.close();
                failed(e, new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL_ERROR, "bad response: " + response.decoderResult().cause()));
                return;
            }
            responded(e, ctx.channel(), response);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            if (!answered) {
                answered = true;
                failed(e, new UpstreamFailure(UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE, "connection closed before the answer to the upgrade"));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void cancel() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }
}
