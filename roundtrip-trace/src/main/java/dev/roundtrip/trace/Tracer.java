package dev.roundtrip.trace;

import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TimelineRecorder;
import dev.roundtrip.http.Transport;
import dev.roundtrip.trace.client.CachingResolver;
import dev.roundtrip.trace.client.ConnectionPool;
import dev.roundtrip.trace.client.Connector;
import dev.roundtrip.trace.client.FailureClassifier;
import dev.roundtrip.trace.client.RequestHeads;
import dev.roundtrip.trace.client.Response;
import dev.roundtrip.trace.client.Route;
import dev.roundtrip.trace.client.TraceConnection;
import dev.roundtrip.trace.tls.ClientTlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tracing client: sends one HTTP request and times every phase of it (DNS, TCP, TLS, request,
 * waiting, download), like curl's {@code -w} timings but with each step's facts (resolver steps,
 * address chosen, TLS parameters, the server's own Server-Timing account). It keeps connections
 * and its DNS cache between calls, so a second call shows what a warm client skips.
 *
 * <p>The path of one call is written down once, in {@link #run}: resolve, connect (TCP + TLS),
 * exchange, return the connection to the pool. Calls block the caller (never call from a Netty
 * event loop) and run one after another; the tracer is thread-safe but serialises calls.
 */
public final class Tracer implements AutoCloseable {
    /** Extra time over a phase's own timeout before the caller stops waiting for the event loop. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final TracerConfig config;
    private final EventLoopGroup group;
    private final Resolver resolver;
    private final Connector connector;
    private final ConnectionPool pool = new ConnectionPool();

    public Tracer(TracerConfig config) {
        this.config = config;
        Transport transport = Transport.best();
        this.group = transport.newGroup(1, "roundtrip-trace");
        this.resolver = config.dnsCacheTtl().isZero() ? config.resolver()
                : new CachingResolver(config.resolver(), config.clock(), config.dnsCacheTtl());
        SslContext ssl = ClientTlsContexts.create(config.trust(), config.http(), config.wallClock());
        this.connector = new Connector(group, transport, config.network(), ssl, config.http(),
                config.connectTimeout(), config.tlsTimeout());
    }

    public TracerConfig config() {
        return config;
    }

    /** Traces {@code request} and returns its timeline (failures are in {@link Timeline#failure()}). */
    public Timeline trace(TraceRequest request) {
        return run(request).timeline();
    }

    /** Traces {@code request} and returns the timeline with the headers and the failure class. */
    public synchronized TraceResult run(TraceRequest request) {
        TimelineRecorder recorder = new TimelineRecorder(config.clock());
        RequestListener listener = recorder;
        Instant startedAt = config.wallClock().instant();
        listener.callStart(request.method(), request.url());
        Route route = Route.of(request, config.connectTo());
        TraceConnection connection = null;
        try {
            connection = config.reuseConnections() ? pool.acquire(route) : null;
            if (connection != null) {
                listener.connectionReused(connection.remote());
            } else {
                List<InetAddress> addresses = resolve(route, listener);
                connection = await(connector.connect(route, addresses, listener), PhaseKind.CONNECT, route.connectHost(),
                        config.connectTimeout().plus(config.tlsTimeout()));
            }
            Response response = await(connection.exchange(request, listener, config.responseTimeout()), PhaseKind.WAIT,
                    route.urlHost(), config.responseTimeout());
            if (config.reuseConnections()) {
                pool.release(route, connection);
            } else {
                connection.close();
            }
            listener.callEnd();
            return new TraceResult(recorder.timeline(), startedAt, connection.id(), response.requestHeaders(),
                    response.responseHeaders(), response.reason(), response.requestBytes(), null);
        } catch (TraceException e) {
            if (connection != null) {
                connection.close();
            }
            listener.callFailed(e.phase(), e);
            return new TraceResult(recorder.timeline(), startedAt, connection == null ? -1 : connection.id(),
                    connection != null && connection.protocol().equals("h2") ? RequestHeads.http2(request) : RequestHeads.http1(request),
                    List.of(), "", -1, e.failureClass());
        }
    }

    /** The DNS phase: nothing for an IP literal, otherwise the resolver through the tracer's cache. */
    private List<InetAddress> resolve(Route route, RequestListener listener) throws TraceException {
        String host = route.connectHost();
        if (route.connectsToLiteral()) {
            return List.of(LabAddresses.parseLiteral(host));
        }
        listener.dnsStart(host);
        try {
            Resolution resolution = resolver.resolve(host, listener)
                    .orTimeout(config.dnsTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .get();
            listener.dnsEnd(host, resolution.addresses());
            return resolution.addresses();
        } catch (ExecutionException e) {
            listener.dnsFailed(host, e.getCause());
            throw FailureClassifier.classify(e.getCause(), PhaseKind.DNS, host);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.dnsFailed(host, e);
            throw new TraceException(FailureClass.DNS_OTHER, "DNS: interrupted", e);
        }
    }

    private <T> T await(CompletableFuture<T> future, PhaseKind phase, String target, Duration timeout) throws TraceException {
        try {
            return future.get(timeout.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw FailureClassifier.classify(e.getCause(), phase, target);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw FailureClassifier.classify(e, phase, target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FailureClassifier.classify(e, phase, target);
        }
    }

    /** Forgets idle connections (the next call connects anew; the DNS cache stays). */
    public void closeConnections() {
        pool.closeAll();
    }

    @Override
    public void close() {
        pool.closeAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
