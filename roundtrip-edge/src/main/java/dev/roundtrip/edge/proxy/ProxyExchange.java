package dev.roundtrip.edge.proxy;

import dev.roundtrip.edge.cluster.Cluster;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.cluster.RetryDecision;
import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.edge.config.RouteConfig;
import dev.roundtrip.edge.route.RouteTable;
import dev.roundtrip.edge.h3.EarlyDataPolicy;
import dev.roundtrip.http.ConnectionInfo;
import dev.roundtrip.http.Downstream;
import dev.roundtrip.http.PlainResponses;
import dev.roundtrip.http.client.ExchangeListener;
import dev.roundtrip.http.client.UpstreamFailure;
import dev.roundtrip.http.client.UpstreamResponse;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream request through the balancer, the steps written down once in {@link #start()}:
 * check the request, route it to a cluster, rewrite its headers, then attempt upstream endpoints
 * (picked by the cluster's policy) until one answers or {@link RetryDecision} says to give up;
 * answer the client with the upstream's response, streamed: its head as soon as it arrives
 * (hop-by-hop headers removed, Via and {@code Server-Timing: lb} added unless the listener's
 * {@link AddedHeader}s leave them out), then its body piece by piece, the upstream paused while the client's side is not writable; or answer with a
 * 502/503/504 naming the cause; log and count it when the body ended.
 *
 * <p>Retries are possible until the head went downstream. A failure after that cannot become a
 * second response: the client's stream is reset (its HTTP/1.1 connection closed), logged and
 * counted in {@code roundtrip_lb_responses_reset_total}.
 *
 * <p>The client's side is a {@link Downstream}: an HTTP/1.1 connection, an HTTP/2 stream or an
 * HTTP/3 stream, which reports its writability and its closing to this exchange. Runs entirely on
 * the downstream's event loop.
 */
final class ProxyExchange implements Downstream.Events {
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
    /** The status logged and counted when the client went away before its answer (nginx's convention). */
    private static final int CLIENT_CLOSED = 499;

    private final ListenerContext context;
    private final Downstream downstream;
    private final FullHttpRequest request;
    private final Runnable done;
    private final long startNanos;
    private final ConnectionInfo conn;
    private final String method;
    private final String target;
    private Set<AddedHeader> added = AddedHeader.ALL;
    private Cluster cluster;
    private String routeLabel = "";
    private String hashKey;
    private io.netty.handler.codec.http.cookie.Cookie newAffinity;
    private CharSequence traceparent = "";
    private final List<Endpoint> tried = new ArrayList<>(2); // a request tries one endpoint, seldom more
    private final List<String> failures = new ArrayList<>(0);
    private int attempts;
    private boolean staleRetried;
    private Endpoint lastEndpoint;
    private long upstreamNanos = -1;
    private UpstreamResponse body; // the upstream body streaming to the client now
    private Endpoint streamingFrom;
    private boolean paused;
    private boolean unflushed;
    private int status;
    private long lbNanos;
    private long bodyBytes;
    private String upstreamLabel = "";
    private boolean downstreamGone;
    private boolean finished;

    ProxyExchange(ListenerContext context, Downstream downstream, FullHttpRequest request, Runnable done) {
        this.context = context;
        this.downstream = downstream;
        this.request = request;
        this.done = done;
        this.startNanos = context.clock().nanoTime();
        this.conn = ConnectionInfo.of(downstream.channel());
        this.method = request.method().name();
        this.target = request.uri();
        context.inFlight().incrementAndGet();
    }

    /** Check, route, rewrite, send. */
    void start() {
        RouteTable table = context.routes(); // one snapshot for this request: a reload swaps it whole
        added = table.addHeaders();
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
        RouteConfig route = table.router().route(host, path);
        if (route == null) {
            answer(HttpResponseStatus.NOT_FOUND, "no route for host '" + (host == null ? "" : host) + "' and path " + path);
            return;
        }
        cluster = table.clusters().get(route.cluster());
        routeLabel = route.label();
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setUri(path);
        ForwardedHeaders.forUpstream(request.headers(), conn, added);
        traceparent = TraceContext.of(request.headers(), added.contains(AddedHeader.TRACEPARENT));
        int length = request.content().readableBytes();
        if (length == 0 && (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))) {
            // No content and none expected: no framing header (RFC 9110 section 8.6), one header less for the upstream to parse.
            request.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            HttpUtil.setContentLength(request, length);
        }
        hashKey = cluster.hashKey(request.headers());
        if (hashKey == null && (newAffinity = cluster.newAffinityCookie()) != null) {
            hashKey = newAffinity.value(); // this client's affinity from now on (Set-Cookie on the answer)
        }
        cluster.requestStarted(startNanos);
        attempt();
    }

    private void attempt() {
        long now = context.clock().nanoTime(); // one reading for the pick and the attempt's start
        Endpoint endpoint = cluster.pick(hashKey, tried, now);
        if (endpoint == null) {
            answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy endpoint in cluster " + cluster.name()
                    + (failures.isEmpty() ? "" : " (after: " + String.join("; ", failures) + ")"));
            return;
        }
        attempts++;
        tried.add(endpoint);
        lastEndpoint = endpoint;
        endpoint.requestStarted();
        context.pools().send(downstream.channel().eventLoop(), endpoint, cluster.config().pool(), cluster.config().upstreamProtocol(),
                forAttempt(),
                cluster.config().responseTimeout().toNanos(), new Attempt(endpoint, now));
    }

    /**
     * The request for one attempt: its own view of the body (the encoder consumes it) and the
     * request's header maps shared, not copied (nothing downstream of here changes them).
     */
    private FullHttpRequest forAttempt() {
        return new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), request.trailingHeaders());
    }

    /** One try on one endpoint. */
    private final class Attempt implements ExchangeListener {
        private final Endpoint endpoint;
        private final long sentNanos;
        private boolean reused;

        Attempt(Endpoint endpoint, long sentNanos) {
            this.endpoint = endpoint;
            this.sentNanos = sentNanos;
        }

        @Override
        public void connectionAcquired(boolean reusedConnection, long connectNanos) {
            reused = reusedConnection;
        }

        @Override
        public void responseHead(HttpResponse head, UpstreamResponse upstream) {
            long now = context.clock().nanoTime();
            upstreamNanos = now - sentNanos;
            int code = head.status().code();
            cluster.responded(endpoint, code, upstreamNanos, now);
            if (downstreamGone || !downstream.isOpen()) { // the client went away while the upstream worked
                endpoint.requestFinished();
                upstream.abort();
                status = CLIENT_CLOSED;
                upstreamLabel = endpoint.label();
                end();
                return;
            }
            HttpHeaders headers = head.headers();
            ForwardedHeaders.forDownstream(headers, conn.viaVersion(), added);
            head.setProtocolVersion(HttpVersion.HTTP_1_1);
            if (code == 204) {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH); // RFC 9110 section 8.6
            } else if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && code != 304 && !"HEAD".equals(method)) {
                // The upstream's framing was hop-by-hop; HTTP/1.1 downstream needs its own (HTTP/2 and 3 drop it).
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            if (newAffinity != null) {
                headers.add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(newAffinity));
            }
            body = upstream;
            streamingFrom = endpoint;
            writeHead(head, code, endpoint.label());
        }

        @Override
        public void responseContent(HttpContent content) {
            relay(content);
        }

        @Override
        public void responseReadComplete() {
            if (unflushed) {
                unflushed = false;
                downstream.flush();
            }
        }

        @Override
        public void failed(UpstreamFailure failure) {
            endpoint.requestFinished();
            cluster.failed(endpoint, failure);
            if (body != null) {
                body = null;
                resetDownstream(endpoint.label() + ": " + failure.detail());
                return;
            }
            if (downstreamGone) {
                status = CLIENT_CLOSED;
                end();
                return;
            }
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
        FullHttpResponse response = PlainResponses.of(downstream.channel().alloc(), status, status.code() + " " + status.reasonPhrase() + ": " + message);
        bodyBytes = response.content().readableBytes();
        writeHead(response, status.code(), lastEndpoint == null ? "" : lastEndpoint.label());
        end();
    }

    /**
     * Writes the response head downstream (the moment {@code Server-Timing: lb} measures): from
     * here on the response belongs to the client and no retry can replace it.
     */
    private void writeHead(HttpResponse head, int code, String upstream) {
        lbNanos = context.clock().nanoTime() - startNanos;
        status = code;
        upstreamLabel = upstream;
        ForwardedHeaders.addServerTiming(head.headers(), lbNanos, added);
        if (downstream.isOpen()) {
            downstream.writeHead(head);
            unflushed = true;
            if (head instanceof FullHttpResponse) {
                unflushed = false;
                downstream.flush();
            }
        } else {
            ReferenceCountUtil.release(head);
            if (body != null) { // the client is gone: the rest of the upstream response is not wanted
                abandonBody();
                end();
            }
        }
    }

    /** One piece of the upstream body to the client; past the downstream's write buffer the upstream is paused. */
    private void relay(HttpContent content) {
        if (finished) {
            content.release();
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            body = null;
            streamingFrom.requestFinished();
            unflushed = false;
            downstream.writeContent(content);
            downstream.flush();
            end();
            return;
        }
        downstream.writeContent(content);
        unflushed = true;
        if (!downstream.isWritable()) {
            unflushed = false;
            downstream.flush();
            if (!downstream.isWritable()) {
                paused = true;
                body.pause();
            }
        }
    }

    /** The downstream's writability changed: a paused upstream reads again once the client caught up. */
    @Override
    public void writabilityChanged() {
        if (paused && body != null && downstream.isWritable()) {
            paused = false;
            body.resume();
        }
    }

    /** The downstream connection or stream closed: a response still streaming is abandoned upstream. */
    @Override
    public void closed() {
        if (finished) {
            return;
        }
        if (body != null) {
            abandonBody();
            end();
        } else {
            downstreamGone = true; // the head is still to come: the attempt drops it
        }
    }

    private void abandonBody() {
        log.debug("[{}] {} {}: client went away during the response from {}", downstream, method, target, upstreamLabel);
        streamingFrom.requestFinished();
        body.abort();
        body = null;
    }

    /**
     * The upstream failed after the head went downstream: there is no second response, the client
     * must see that this one is incomplete, so the HTTP/2 stream is reset (RST_STREAM
     * INTERNAL_ERROR, RFC 9113 section 8.1), the HTTP/3 stream too (H3_INTERNAL_ERROR, RFC 9114
     * section 8.1), and an HTTP/1.1 connection is closed.
     */
    private void resetDownstream(String cause) {
        log.warn("[{}] {} {}: upstream {} after the response head was sent; resetting the client's stream",
                downstream, method, target, cause);
        context.metrics().responseReset(cluster.name());
        downstream.reset();
        end();
    }

    private void end() {
        if (finished) {
            return;
        }
        finished = true;
        account();
        request.release();
        context.inFlight().decrementAndGet();
        done.run();
    }

    private void account() {
        String clusterName = cluster == null ? "" : cluster.name();
        context.metrics().request(context.listener(), conn.family(), routeLabel, clusterName, status, lbNanos);
        if (cluster != null) {
            context.metrics().responseBody(clusterName, bodyBytes);
        }
        if (context.accessLog().enabled()) {
            context.accessLog().log(new AccessLog.Entry(conn.clientAddress(), method, target,
                    conn.protocol(), status, bodyBytes, lbNanos, context.clock().nanoTime() - startNanos, upstreamLabel,
                    upstreamNanos, Math.max(0, attempts - 1), clusterName, traceparent.toString()));
        }
    }
}
