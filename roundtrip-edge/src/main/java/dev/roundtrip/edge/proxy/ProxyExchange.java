package dev.roundtrip.edge.proxy;

import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.cluster.RetryDecision;
import dev.roundtrip.edge.config.RouteConfig;
import dev.roundtrip.edge.route.RouteTable;
import dev.roundtrip.edge.h3.EarlyDataPolicy;
import dev.roundtrip.http.ConnectionInfo;
import dev.roundtrip.http.PlainResponses;
import dev.roundtrip.http.client.ExchangeListener;
import dev.roundtrip.http.client.UpstreamFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One downstream request through the balancer, the steps written down once in {@link #start()}:
 * check the request, route it to a cluster, rewrite its headers, then attempt upstream endpoints
 * (picked by the cluster's policy) until one answers or {@link RetryDecision} says to give up;
 * answer the client with the upstream's response (hop-by-hop headers removed, Via and
 * {@code Server-Timing: lb} added) or with a 502/503/504 naming the cause; log and count it.
 *
 * <p>Runs entirely on the downstream channel's event loop.
 */
final class ProxyExchange {
    private final ListenerContext context;
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Runnable done;
    private final long startNanos;
    private final ConnectionInfo conn;
    private final String method;
    private final String target;
    private Cluster cluster;
    private String routeLabel = "";
    private String hashKey;
    private io.netty.handler.codec.http.cookie.Cookie newAffinity;
    private String traceparent = "";
    private final Set<Endpoint> tried = new HashSet<>(4);
    private final List<String> failures = new ArrayList<>(0);
    private int attempts;
    private boolean staleRetried;
    private Endpoint lastEndpoint;
    private long upstreamNanos = -1;
    private boolean finished;

    ProxyExchange(ListenerContext context, ChannelHandlerContext ctx, FullHttpRequest request, Runnable done) {
        this.context = context;
        this.ctx = ctx;
        this.request = request;
        this.done = done;
        this.startNanos = context.clock().nanoTime();
        this.conn = ConnectionInfo.of(ctx.channel());
        this.method = request.method().name();
        this.target = request.uri();
        context.inFlight().incrementAndGet();
    }

    /** Check, route, rewrite, send. */
    void start() {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            answer(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 request without a Host header");
            return;
        }
        if (EarlyDataPolicy.tooEarly(method, request.headers())) {
            answer(EarlyDataPolicy.TOO_EARLY, method + " received in TLS early data (0-RTT), which an attacker could replay: "
                    + "send it again once the handshake is complete");
            return;
        }
        String path = ForwardedHeaders.originForm(target);
        RouteTable table = context.routes();
        RouteConfig route = table.router().route(host, path);
        if (route == null) {
            answer(HttpResponseStatus.NOT_FOUND, "no route for host '" + (host == null ? "" : host) + "' and path " + path);
            return;
        }
        cluster = table.clusters().get(route.cluster());
        routeLabel = route.label();
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setUri(path);
        ForwardedHeaders.forUpstream(request.headers(), conn);
        traceparent = TraceContext.ensure(request.headers());
        HttpUtil.setContentLength(request, request.content().readableBytes());
        hashKey = cluster.hashKey(request.headers());
        if (hashKey == null && (newAffinity = cluster.newAffinityCookie()) != null) {
            hashKey = newAffinity.value(); // this client's affinity from now on (Set-Cookie on the answer)
        }
        cluster.requestStarted();
        attempt();
    }

    private void attempt() {
        Endpoint endpoint = cluster.pick(hashKey, tried);
        if (endpoint == null) {
            answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy endpoint in cluster " + cluster.name()
                    + (failures.isEmpty() ? "" : " (after: " + String.join("; ", failures) + ")"));
            return;
        }
        attempts++;
        tried.add(endpoint);
        lastEndpoint = endpoint;
        endpoint.requestStarted();
        context.pools().send(ctx.channel().eventLoop(), endpoint, cluster.config().pool(), request.retainedDuplicate(),
                cluster.config().responseTimeout().toNanos(), new Attempt(endpoint));
    }

    /** One try on one endpoint. */
    private final class Attempt implements ExchangeListener {
        private final Endpoint endpoint;
        private final long sentNanos = context.clock().nanoTime();
        private boolean reused;

        Attempt(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void connectionAcquired(boolean reusedConnection, long connectNanos) {
            reused = reusedConnection;
        }

        @Override
        public void responseReceived(FullHttpResponse response) {
            endpoint.requestFinished();
            upstreamNanos = context.clock().nanoTime() - sentNanos;
            cluster.responded(endpoint, response.status().code(), upstreamNanos);
            ForwardedHeaders.forDownstream(response.headers(), conn.viaVersion());
            // The aggregator made the body self-delimiting (Content-Length); a HEAD answer keeps
            // the upstream's length, and 204 must not carry one (RFC 9110 section 8.6).
            if (response.status().code() == 204) {
                response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            }
            if (newAffinity != null) {
                response.headers().add(HttpHeaderNames.SET_COOKIE,
                        io.netty.handler.codec.http.cookie.ServerCookieEncoder.STRICT.encode(newAffinity));
            }
            write(response, endpoint.label());
        }

        @Override
        public void failed(UpstreamFailure failure) {
            endpoint.requestFinished();
            cluster.failed(endpoint, failure);
            failures.add(endpoint.label() + ": " + failure.detail());
            boolean staleRace = reused && !staleRetried && failure.kind() == UpstreamFailure.Kind.CLOSED_BEFORE_RESPONSE;
            RetryDecision decision = RetryDecision.decide(failure.kind(), method, attempts, cluster.config().retry(), staleRace,
                    cluster::tryRetry);
            if (staleRace && decision instanceof RetryDecision.Retry) {
                staleRetried = true;
                cluster.failedOnStaleConnection();
            }
            switch (decision) {
                case RetryDecision.Retry r -> attempt();
                case RetryDecision.GiveUp g -> answer(g.status(), "upstream " + String.join("; then ", failures)
                        + " (cluster " + cluster.name() + ")" + (g.reason().isEmpty() ? "" : "; " + g.reason()));
            }
        }
    }

    /** Answers the client with an error the balancer produced. */
    private void answer(HttpResponseStatus status, String message) {
        write(PlainResponses.of(ctx.alloc(), status, status.code() + " " + status.reasonPhrase() + ": " + message),
                lastEndpoint == null ? "" : lastEndpoint.label());
    }

    private void write(FullHttpResponse response, String upstream) {
        if (finished) {
            response.release();
            return;
        }
        finished = true;
        long lbNanos = context.clock().nanoTime() - startNanos;
        response.headers().add("server-timing", lbTiming(lbNanos));
        int status = response.status().code();
        long bytes = response.content().readableBytes();
        String clusterName = cluster == null ? "" : cluster.name();
        context.metrics().request(context.listener(), conn.family(), routeLabel, clusterName, status, lbNanos);
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(response);
        } else {
            response.release();
        }
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessLog.Entry(io.netty.util.NetUtil.toAddressString(conn.remote().getAddress()), method, target, conn.protocol(),
                    status, bytes, lbNanos, upstream, upstreamNanos, Math.max(0, attempts - 1), clusterName, traceparent));
        }
        request.release();
        context.inFlight().decrementAndGet();
        done.run();
    }

    /**
     * {@code lb;dur=1.234}: milliseconds with three decimals, as {@link ServerTiming#toHeaderValue()}
     * writes them, without String.format on every request.
     */
    static String lbTiming(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long frac = micros % 1000;
        return "lb;dur=" + (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }
}
