package dev.roundtrip.trace;

import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TimelineRecorder;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.http.Transport;
import dev.roundtrip.trace.client.AltSvcCache;
import dev.roundtrip.trace.client.AltSvcConnector;
import dev.roundtrip.trace.client.CachingResolver;
import dev.roundtrip.trace.client.Http3Connection;
import dev.roundtrip.trace.client.QuicConnector;
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
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
    private final QuicConnector quicConnector;
    private final ConnectionPool h3Pool = new ConnectionPool();
    private final AltSvcCache altSvc = new AltSvcCache();
    private final AltSvcConnector altSvcConnector;

    public Tracer(TracerConfig config) {
        this.config = config;
        Transport transport = Transport.best();
        this.group = transport.newGroup(1, "roundtrip-trace");
        group.submit(() -> { }).syncUninterruptibly(); // start the event loop thread now, not inside the first call's phases
        this.resolver = config.dnsCacheTtl().isZero() ? config.resolver()
                : new CachingResolver(config.resolver(), config.clock(), config.dnsCacheTtl());
        SslContext ssl = ClientTlsContexts.create(config.trust(), config.http(), config.wallClock());
        this.connector = new Connector(group, transport, config.network(), ssl, config.http(),
                config.connectTimeout(), config.tlsTimeout());
        this.quicConnector = new QuicConnector(group, transport, config.network(), config.trust(), config.wallClock(),
                config.connectTimeout().plus(config.tlsTimeout()), connector::nextConnectionId, config.qlogDir());
        this.altSvcConnector = new AltSvcConnector(group.next(), config.clock(), config.h3FallbackDelay());
    }

    public TracerConfig config() {
        return config;
    }

    /** Traces {@code request} and returns its timeline (failures are in {@link Timeline#failure()}). */
    public Timeline trace(TraceRequest request) {
        return run(request).timeline();
    }

    /**
     * Traces {@code request} and returns the timeline with the headers and the failure class.
     *
     * <p>The request path, in order: pick the transport (HTTP/3 over QUIC when asked for; with
     * {@code --http auto} a race of QUIC to a fresh {@code Alt-Svc} alternative against its TCP
     * fallback, or TCP straight away when that alternative is known to be broken; TCP otherwise);
     * a pooled connection for the route, or resolve the name (DNS) and connect (TCP + TLS, the QUIC
     * handshake, or the race); then the exchange (request, wait, download); then the connection
     * goes back to the pool. The steps chain on the threads that finish them (the event loop
     * completes the handshake and sends the request straight away), so no thread hand-off lands
     * inside a measured phase; the caller only waits for the end.
     */
    public synchronized TraceResult run(TraceRequest request) {
        TimelineRecorder recorder = new TimelineRecorder(config.clock());
        RequestListener listener = recorder;
        Instant startedAt = config.wallClock().instant();
        long callStartNanos = config.clock().nanoTime(); // a race's attempts are timed from here, a moment before the recorder's start
        listener.callStart(request.method(), request.url());
        Route route = Route.of(request, config.connectTo());
        AtomicReference<TraceConnection> used = new AtomicReference<>();
        AtomicReference<AltSvcConnector.Race> race = new AtomicReference<>();

        AltSvcCache.Choice alternative = request.tls() && config.http() == HttpVersion.ALT_SVC
                ? altSvc.choose(route.urlHost(), route.urlPort(), config.clock().nanoTime()) : new AltSvcCache.Choice.Tcp();
        int h3Port = !request.tls() ? 0 : config.http() == HttpVersion.HTTP_3 ? route.connectPort()
                : alternative instanceof AltSvcCache.Choice.H3 h3 ? h3.port() : 0;
        ConnectionPool connections = h3Port > 0 ? h3Pool : pool;
        TraceConnection pooled = config.reuseConnections() ? connections.acquire(route) : null;
        CompletableFuture<TraceConnection> connection;
        if (pooled != null) {
            listener.connectionReused(pooled.remote());
            connection = CompletableFuture.completedFuture(pooled);
        } else if (h3Port > 0 && config.http() == HttpVersion.ALT_SVC) {
            // Like a browser: QUIC first, TCP + TLS beside it after the fallback delay or at once when QUIC fails.
            connection = resolve(route, listener).thenCompose(addresses -> {
                AltSvcConnector.Race r = altSvcConnector.race(callStartNanos, h3Port, listener,
                        quic -> quicConnector.connect(route, addresses, h3Port, quic),
                        tcp -> tcpOrPooled(route, addresses, tcp));
                race.set(r);
                return r.connection();
            });
        } else if (h3Port > 0) {
            connection = resolve(route, listener).thenCompose(addresses -> quicConnector.connect(route, addresses, h3Port, listener));
        } else {
            connection = resolve(route, listener).thenCompose(addresses -> connector.connect(route, addresses, listener));
        }
        // The call ends where the last fact arrives (the event loop, at the response's end), not when the caller wakes up.
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Response> call = connection.thenCompose(c -> {
            used.set(c);
            return c.exchange(request, listener, config.responseTimeout());
        }).handle((response, error) -> {
            if (error == null) {
                if (ended.compareAndSet(false, true)) {
                    listener.callEnd();
                }
                return response;
            }
            TraceException e = FailureClassifier.classify(error, PhaseKind.WAIT, route.urlHost());
            if (ended.compareAndSet(false, true)) {
                listener.callFailed(e.phase(), e);
            }
            throw new CompletionException(e);
        });

        try {
            Response response = await(call, route);
            TraceConnection c = used.get();
            AltSvcOutcome outcome = altSvcOutcome(route, alternative, race.get());
            if (config.http() == HttpVersion.ALT_SVC && !(c instanceof Http3Connection)) {
                altSvc.update(route.urlHost(), route.urlPort(), response.responseHeaders().stream()
                        .filter(h -> h.name().equalsIgnoreCase("alt-svc")).map(Header::value).toList(), config.clock().nanoTime());
            }
            if (config.reuseConnections()) {
                (c instanceof Http3Connection ? h3Pool : pool).release(route, c);
            } else {
                c.close();
            }
            Timeline timeline = race.get() == null ? recorder.timeline() : withWinnerOnly(recorder.timeline(), c);
            if (outcome != null && race.get() != null && !outcome.h3Used() && timeline.connectionReused()) {
                outcome = outcome.withTcpReused();
            }
            return new TraceResult(timeline, startedAt, c.id(), response.requestHeaders(),
                    response.responseHeaders(), response.reason(), response.requestBytes(), null,
                    c instanceof Http3Connection h3 ? h3.earlyData() : EarlyData.NOT_SENT, response.bodySha256(), outcome);
        } catch (TraceException e) {
            TraceConnection c = used.get();
            if (c != null) {
                c.close();
            }
            if (ended.compareAndSet(false, true)) { // the caller gave up waiting
                listener.callFailed(e.phase(), e);
            }
            AltSvcOutcome outcome = altSvcOutcome(route, alternative, race.get());
            Timeline timeline = race.get() == null || c == null ? recorder.timeline() : withWinnerOnly(recorder.timeline(), c);
            return new TraceResult(timeline, startedAt, c == null ? -1 : c.id(),
                    c != null && !c.protocol().equals("HTTP/1.1") ? RequestHeads.http2(request) : RequestHeads.http1(request),
                    List.of(), "", -1, e.failureClass(), EarlyData.NOT_SENT, "", outcome);
        }
    }

    /** The TCP side of a race: an idle pooled connection when there is one (as any call over TCP), otherwise TCP + TLS. */
    private CompletableFuture<TraceConnection> tcpOrPooled(Route route, List<InetAddress> addresses, RequestListener listener) {
        TraceConnection idle = config.reuseConnections() ? pool.acquire(route) : null;
        if (idle != null) {
            listener.connectionReused(idle.remote());
            return CompletableFuture.completedFuture(idle);
        }
        return connector.connect(route, addresses, listener);
    }

    /**
     * What became of the call's Alt-Svc alternative, remembering a broken one: the race's outcome,
     * "straight to TCP" when the alternative was already broken, or null when there was none.
     */
    private AltSvcOutcome altSvcOutcome(Route route, AltSvcCache.Choice alternative, AltSvcConnector.Race race) {
        if (alternative instanceof AltSvcCache.Choice.Broken broken) {
            return AltSvcOutcome.straightToTcp(broken.port(), config.h3FallbackDelay(), broken.reason());
        }
        if (race == null || race.outcome() == null) {
            return null;
        }
        AltSvcOutcome outcome = race.outcome();
        if (outcome.alternativeBroken()) {
            altSvc.markBroken(route.urlHost(), route.urlPort(), outcome.h3Port(), outcome.brokenReason());
        }
        return outcome;
    }

    /**
     * The timeline of a race, keeping only the connection that carried the request: both attempts
     * reported to the call's listener while they could still win, so the loser may have left a
     * phase (the TCP connect of an abandoned fallback), its address or its TLS facts behind.
     */
    private static Timeline withWinnerOnly(Timeline t, TraceConnection winner) {
        return withWinnerOnly(t, winner instanceof Http3Connection, winner.remote(), winner.tls());
    }

    /**
     * {@link #withWinnerOnly(Timeline, TraceConnection)} for a winner over QUIC ({@code quic}) or
     * TCP, connected to {@code remote}, with {@code tls} from its handshake (a QUIC connection
     * handed over for 0-RTT has none yet: the timeline's own, from the handshake's end, stays).
     */
    static Timeline withWinnerOnly(Timeline t, boolean quic, InetSocketAddress remote, TlsInfo tls) {
        List<Phase> phases = t.phases().stream().filter(p -> quic
                ? p.kind() != PhaseKind.CONNECT && p.kind() != PhaseKind.TLS
                : p.kind() != PhaseKind.QUIC).toList();
        boolean reused = !quic && t.connectionReused();
        TlsInfo facts = quic ? t.tls() : reused ? null : tls;
        return new Timeline(t.method(), t.url(), phases, t.dnsSteps(), remote, reused, facts, t.protocol(), t.status(),
                t.responseBytes(), t.serverTimings(), t.totalNanos(), t.failure());
    }

    /** The DNS phase: nothing for an IP literal, otherwise the resolver through the tracer's cache. */
    private CompletableFuture<List<InetAddress>> resolve(Route route, RequestListener listener) {
        String host = route.connectHost();
        if (route.connectsToLiteral()) {
            return CompletableFuture.completedFuture(List.of(LabAddresses.parseLiteral(host)));
        }
        listener.dnsStart(host);
        CompletableFuture<Resolution> lookup;
        try {
            lookup = resolver.resolve(host, listener);
        } catch (RuntimeException e) { // a resolver that breaks its contract still gives a DNS failure
            lookup = CompletableFuture.failedFuture(e);
        }
        return lookup.orTimeout(config.dnsTimeout().toNanos(), TimeUnit.NANOSECONDS).handle((resolution, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                listener.dnsFailed(host, cause);
                throw new CompletionException(FailureClassifier.classify(cause, PhaseKind.DNS, host));
            }
            listener.dnsEnd(host, resolution.addresses());
            return resolution.addresses();
        });
    }

    /** Waits for the call, at most the sum of its phases' timeouts plus a grace period. */
    private Response await(CompletableFuture<Response> call, Route route) throws TraceException {
        Duration budget = config.dnsTimeout().plus(config.connectTimeout()).plus(config.tlsTimeout())
                .plus(config.responseTimeout()).plus(GRACE)
                .plus(config.http() == HttpVersion.ALT_SVC ? config.h3FallbackDelay() : Duration.ZERO); // TCP may start that late
        try {
            return call.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw FailureClassifier.classify(e.getCause(), PhaseKind.WAIT, route.urlHost());
        } catch (TimeoutException e) {
            call.cancel(false);
            throw FailureClassifier.classify(e, PhaseKind.WAIT, route.urlHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(false);
            throw FailureClassifier.classify(e, PhaseKind.WAIT, route.urlHost());
        }
    }

    /**
     * The qlog files of the QUIC connections this tracer made ({@link TracerConfig#qlogDir()}),
     * complete once the tracer is closed; empty without a qlog directory.
     */
    public List<Path> qlogFiles() {
        return quicConnector.qlogFiles();
    }

    /**
     * Runs the client's code paths once over loopback (a throw-away responder, a separate tracer),
     * so that the first real call measures the network rather than the JVM loading classes. Takes
     * a few hundred milliseconds on a cold JVM; changes nothing this tracer remembers.
     */
    public void warmUp() {
        dev.roundtrip.trace.client.WarmUp.run(config);
    }

    /** Like {@link #warmUp()}, but only the paths {@code request} will take (no TLS for http://). */
    public void warmUp(TraceRequest request) {
        dev.roundtrip.trace.client.WarmUp.run(config, request.tls());
    }

    /** Forgets idle connections (the next call connects anew; the DNS cache stays). */
    public void closeConnections() {
        pool.closeAll();
        h3Pool.closeAll();
    }

    @Override
    public void close() {
        pool.closeAll();
        h3Pool.closeAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
