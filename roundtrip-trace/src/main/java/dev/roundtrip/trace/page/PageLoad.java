package dev.roundtrip.trace.page;

import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.http.Transport;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TraceRequest;
import dev.roundtrip.trace.TracerConfig;
import dev.roundtrip.trace.client.Connector;
import dev.roundtrip.trace.client.QuicConnector;
import dev.roundtrip.trace.client.Response;
import dev.roundtrip.trace.client.Route;
import dev.roundtrip.trace.client.TraceConnection;
import dev.roundtrip.trace.tls.ClientTlsContexts;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads one page of many objects the way a browser does, with the tracing client's connections:
 * opens the connections first (HTTP/1.1: several TCP + TLS connections, one request at a time on
 * each; HTTP/2: one TCP + TLS connection, every request a stream; HTTP/3: one QUIC connection,
 * every request a stream), then issues all the page's requests at once, each connection or stream
 * taking the next object as soon as it is free, and times every object (sent, first byte, last
 * byte) and the whole page (first request to last byte). The handshakes are timed apart, so the
 * page time is the transfer alone. Every page opens new connections with new TLS contexts: no
 * session is resumed between pages.
 *
 * <p>Blocking: call it from an ordinary thread; the network work runs on one event loop.
 */
public final class PageLoad implements AutoCloseable {
    /** Numbers this process's QUIC connections (they name the qlog files, so pages do not overwrite each other's). */
    private static final java.util.concurrent.atomic.AtomicInteger QUIC_IDS = new java.util.concurrent.atomic.AtomicInteger();

    /** Most streams one HTTP/2 or HTTP/3 connection carries at once (our balancer allows 100). */
    public static final int MAX_STREAMS = 100;

    private final TracerConfig config;
    private final MonotonicClock clock;
    private final Transport transport = Transport.best();
    private final EventLoopGroup group;

    public PageLoad(TracerConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.group = transport.newGroup(1, "roundtrip-page");
        group.submit(() -> { }).syncUninterruptibly();
    }

    /**
     * How a browser loads a page over one protocol: HTTP/1.1 with 6 connections (what browsers
     * open per origin), HTTP/2 and HTTP/3 with one.
     */
    public static int connectionsFor(HttpVersion http) {
        return http == HttpVersion.HTTP_1_1 ? 6 : 1;
    }

    /**
     * Loads {@code page} over {@code http} with {@code connections} connections; a page that does
     * not complete within {@code timeout} (from the first connection attempt) is reported
     * incomplete, with the objects that did arrive.
     */
    public PageResult load(Page page, HttpVersion http, int connections, Duration timeout) {
        if (http != HttpVersion.HTTP_1_1 && http != HttpVersion.HTTP_2 && http != HttpVersion.HTTP_3) {
            throw new IllegalArgumentException("http " + http + ": a page loads over HTTP/1.1, HTTP/2 or HTTP/3");
        }
        if (connections < 1 || connections > 64) {
            throw new IllegalArgumentException("connections " + connections + ": allowed 1 to 64");
        }
        long deadline = clock.nanoTime() + timeout.toNanos();
        TraceRequest first = TraceRequest.get(page.url(0));
        Route route = Route.of(first, config.connectTo());
        List<TraceConnection> open = new ArrayList<>();
        long connectStart = clock.nanoTime();
        try {
            List<InetAddress> addresses = resolve(route, deadline);
            List<CompletableFuture<TraceConnection>> pending = new ArrayList<>();
            if (http == HttpVersion.HTTP_3) {
                QuicConnector quic = new QuicConnector(group, transport, config.network(), config.trust(), config.wallClock(),
                        config.connectTimeout().plus(config.tlsTimeout()), QUIC_IDS::incrementAndGet, config.qlogDir());
                for (int i = 0; i < connections; i++) {
                    pending.add(quic.connect(route, addresses, route.connectPort(), RequestListener.NONE));
                }
            } else {
                Connector tcp = new Connector(group, transport, config.network(), ClientTlsContexts.create(config.trust(), http, config.wallClock()),
                        http, config.connectTimeout(), config.tlsTimeout());
                for (int i = 0; i < connections; i++) {
                    pending.add(tcp.connect(route, addresses, RequestListener.NONE));
                }
            }
            for (CompletableFuture<TraceConnection> f : pending) {
                open.add(f.get(remaining(deadline), TimeUnit.NANOSECONDS));
            }
        } catch (ExecutionException e) {
            return PageResult.failed(http, connections, page, "cannot connect: " + message(e.getCause()));
        } catch (TimeoutException e) {
            return PageResult.failed(http, connections, page, "cannot connect within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PageResult.failed(http, connections, page, "interrupted");
        } finally {
            if (open.size() < connections) {
                open.forEach(TraceConnection::close);
            }
        }
        long connectNanos = clock.nanoTime() - connectStart;
        String protocol = open.getFirst().protocol();
        try {
            Transfer transfer = new Transfer(page, open, protocol.equals("HTTP/1.1") ? 1 : Math.min(MAX_STREAMS, page.objects()),
                    Duration.ofNanos(Math.max(1, remaining(deadline))));
            return transfer.run(http, protocol, connectNanos, deadline);
        } finally {
            open.forEach(TraceConnection::close);
        }
    }

    private List<InetAddress> resolve(Route route, long deadline) throws ExecutionException, TimeoutException, InterruptedException {
        if (route.connectsToLiteral()) {
            return List.of(LabAddresses.parseLiteral(route.connectHost()));
        }
        return config.resolver().resolve(route.connectHost(), RequestListener.NONE).get(remaining(deadline), TimeUnit.NANOSECONDS).addresses();
    }

    private long remaining(long deadline) {
        return Math.max(0, deadline - clock.nanoTime());
    }

    private static String message(Throwable t) {
        return t == null ? "unknown" : t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * The transfer of one page over open connections: a queue of objects; each connection takes
     * the next object whenever it has fewer than {@code perConnection} exchanges in flight. Its
     * state is touched under its own lock (exchanges end on the event loop).
     */
    private final class Transfer {
        private final Page page;
        private final List<TraceConnection> connections;
        private final int perConnection;
        private final Duration exchangeTimeout;
        private final Deque<Integer> queue = new ArrayDeque<>();
        private final ObjectTiming[] done;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private int remaining;
        private long start;

        Transfer(Page page, List<TraceConnection> connections, int perConnection, Duration exchangeTimeout) {
            this.page = page;
            this.connections = connections;
            this.perConnection = perConnection;
            this.exchangeTimeout = exchangeTimeout;
            this.done = new ObjectTiming[page.objects()];
            this.remaining = page.objects();
            for (int i = 0; i < page.objects(); i++) {
                queue.add(i);
            }
        }

        PageResult run(HttpVersion http, String protocol, long connectNanos, long deadline) {
            synchronized (this) {
                start = clock.nanoTime();
                for (TraceConnection c : connections) {
                    for (int k = 0; k < perConnection; k++) {
                        next(c);
                    }
                }
            }
            String failure = null;
            try {
                finished.get(remaining(deadline) + 1, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                failure = "the page did not complete in time";
            } catch (ExecutionException e) {
                failure = message(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            }
            synchronized (this) {
                List<ObjectTiming> objects = new ArrayList<>();
                for (ObjectTiming o : done) {
                    if (o != null) {
                        objects.add(o);
                    }
                }
                long pageNanos = objects.stream().mapToLong(ObjectTiming::endNanos).max().orElse(-1);
                boolean complete = failure == null && objects.size() == page.objects() && objects.stream().allMatch(ObjectTiming::ok);
                if (failure == null && !complete) {
                    failure = objects.stream().filter(o -> !o.ok()).findFirst().map(o -> "object " + o.index() + ": " + o.failure())
                            .orElse("missing objects");
                }
                return new PageResult(http, protocol, connections.size(), page, connectNanos, complete ? pageNanos : -1, objects,
                        failure);
            }
        }

        /** Hands the next queued object to {@code c}; caller holds the lock. */
        private void next(TraceConnection c) {
            Integer index = queue.poll();
            if (index == null) {
                return;
            }
            int i = index;
            long queued = clock.nanoTime() - start;
            Marks marks = new Marks();
            c.exchange(TraceRequest.get(page.url(i)), marks, exchangeTimeout).whenComplete((response, error) -> ended(c, i, queued, marks,
                    response, error));
        }

        private void ended(TraceConnection c, int i, long queued, Marks marks, Response response, Throwable error) {
            long end = clock.nanoTime() - start;
            synchronized (this) {
                ObjectTiming timing;
                if (error != null) {
                    timing = new ObjectTiming(i, c.id(), queued, rel(marks.sent), rel(marks.firstByte), end, -1, 0,
                            message(error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error));
                } else if (response.status() != 200 || response.bodyBytes() != page.bytes()) {
                    timing = new ObjectTiming(i, c.id(), queued, rel(marks.sent), rel(marks.firstByte), end, response.status(), response.bodyBytes(),
                            "status " + response.status() + ", " + response.bodyBytes() + " of " + page.bytes() + " bytes");
                } else {
                    timing = new ObjectTiming(i, c.id(), queued, rel(marks.sent), rel(marks.firstByte), end, 200, response.bodyBytes(), null);
                }
                done[i] = timing;
                remaining--;
                if (remaining == 0) {
                    finished.complete(null);
                } else if (error != null && !c.reusable()) {
                    finished.completeExceptionally(new IllegalStateException("connection " + c.id() + " failed: " + timing.failure()));
                } else {
                    next(c);
                }
            }
        }

        private long rel(long at) {
            return at < 0 ? -1 : at - start;
        }
    }

    /** The moments one exchange's request left and its first byte arrived (event loop writes, ended() reads after). */
    private final class Marks implements RequestListener {
        volatile long sent = -1;
        volatile long firstByte = -1;

        @Override
        public void requestStart() {
            sent = clock.nanoTime();
        }

        @Override
        public void responseStart() {
            firstByte = clock.nanoTime();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
