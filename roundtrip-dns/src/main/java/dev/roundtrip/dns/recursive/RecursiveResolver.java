package dev.roundtrip.dns.recursive;

import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.dns.steps.StepsOption;
import dev.roundtrip.dns.transport.DnsClient;
import dev.roundtrip.dns.transport.DnsListener;
import dev.roundtrip.dns.transport.DnsProtocol;
import dev.roundtrip.dns.wire.PacketCache;
import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.QueryDecoder;
import dev.roundtrip.dns.wire.Responses;
import dev.roundtrip.http.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A recursive resolver: answers its clients (stubs, dig, Unbound as a forwarder) on UDP and TCP
 * from its cache, or by iterating from the root ({@link IterativeResolver}) and caching what it
 * learns. The path of a query: {@link DnsListener} reads it, {@link QueryDecoder} parses it, a
 * complete cached answer is sent at once from the event loop; otherwise a virtual thread resolves it
 * and replies.
 *
 * <p>RD/RA (RFC 1035 section 4.1.1): responses carry RA=1; a query with RD=0 is answered from the
 * cache only (REFUSED when the cache has nothing). A client that sends the {@link StepsOption} gets
 * the steps of its answer (a cache hit, or each upstream query) in the same option.
 */
public final class RecursiveResolver implements Service {
    private static final Logger log = LoggerFactory.getLogger(RecursiveResolver.class);

    private final RecursiveConfig config;
    private final DnsCache cache;
    private final ServerSelection selection = new ServerSelection();
    private final Transport transport = Transport.best();
    private volatile EventLoopGroup upstreamGroup; // made by start: an unstarted resolver holds no threads
    private volatile DnsClient client;
    private volatile IterativeResolver iterator;
    private final DnsListener listener;
    private final PacketCache packets = new PacketCache(10_000);
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicLong servfails = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile Health health = Health.of(Health.Status.STARTING);

    public RecursiveResolver(RecursiveConfig config) {
        this.config = config;
        this.cache = new DnsCache(config.cache());
        this.listener = new DnsListener(config.name(), this::handle, config.listener());
    }

    @Override
    public String name() {
        return config.name();
    }

    public RecursiveConfig config() {
        return config;
    }

    /** The cache, for metrics (entries, bytes, hits, misses, evictions). */
    public DnsCache cache() {
        return cache;
    }

    /** Upstream responses ignored because address, port, ID or question did not match (RFC 5452). */
    public long rejectedResponses() {
        DnsClient c = client;
        return c == null ? 0 : c.rejectedResponses();
    }

    public ServerSelection serverSelection() {
        return selection;
    }

    public DnsListener.ListenerCounters counters() {
        return listener.counters();
    }

    public long servfails() {
        return servfails.get();
    }

    @Override
    public CompletableFuture<List<BoundAddress>> start() {
        CompletableFuture<List<BoundAddress>> started = new CompletableFuture<>();
        upstreamGroup = transport.newGroup(1, "dns-upstream");
        client = new DnsClient(transport, upstreamGroup, config.clock());
        iterator = new IterativeResolver(config, cache, selection, client);
        try {
            List<BoundAddress> bound = listener.bind(config.network(), config.listen());
            health = Health.serving();
            log.info("{}: resolving on {} from {} root server(s)", config.name(), bound.getFirst().real(), config.rootServers().size());
            started.complete(bound);
        } catch (Exception e) {
            health = new Health(Health.Status.FAILED, String.valueOf(e.getMessage()));
            listener.close(0);
            upstreamGroup.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            started.completeExceptionally(e);
        }
        return started;
    }

    public InetSocketAddress boundAddress() {
        return listener.boundAddress();
    }

    /** Health, with the cache's and the listener's counters as its detail when serving. */
    @Override
    public Health health() {
        Health h = health;
        if (h.status() != Health.Status.SERVING) {
            return h;
        }
        return new Health(Health.Status.SERVING, cache + " inflight=" + inflight.get() + " servfail=" + servfails.get()
 + " rejected-upstream=" + rejectedResponses() + " upstream-timeouts=" + selection.timeouts() + " packet-cache=" + packets.size() + "/" + packets.hits() + " hits "
                + listener.counters());
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        log.info("{}: stopping; {}", config.name(), health().detail());
        health = Health.of(Health.Status.STOPPING);
        return CompletableFuture.runAsync(() -> {
            listener.close(grace.toMillis());
            EventLoopGroup upstream = upstreamGroup;
            if (upstream != null) {
                upstream.shutdownGracefully(0, Math.max(100, grace.toMillis()), TimeUnit.MILLISECONDS).awaitUninterruptibly(grace.toMillis() + 2_000);
            }
            health = Health.of(Health.Status.STOPPED);
        }, r -> Thread.ofVirtual().name("stop " + config.name()).start(r));
    }

    private void handle(byte[] wire, DnsProtocol protocol, InetSocketAddress client, Consumer<byte[]> reply) {
        if (protocol == DnsProtocol.UDP) {
            byte[] cached = packets.get(wire, config.clock().nanoTime());
            if (cached != null) {
                cache.countHit();
                reply.accept(cached);
                return;
            }
        }
        ParsedQuery parsed = QueryDecoder.decode(wire);
        switch (parsed) {
            case ParsedQuery.Drop d -> {
                malformed.incrementAndGet();
                reply.accept(null);
            }
            case ParsedQuery.Error e -> {
                malformed.incrementAndGet();
                reply.accept(withRa(e.response()));
            }
            case ParsedQuery.Query q -> answer(wire, q, protocol, reply);
        }
    }

    private void answer(byte[] wire, ParsedQuery.Query q, DnsProtocol protocol, Consumer<byte[]> reply) {
        boolean wantSteps = q.hasOption(StepsOption.CODE);
        int type = q.type();
        if (type == Type.AXFR || type == Type.IXFR) {
            reply.accept(withRa(Responses.echo(q.message(), Rcode.REFUSED)));
            return;
        }
        DnsCache.CachedAnswer cached = cache.answer(q.name(), type, config.limits().maxCnameChain(), config.clock().nanoTime());
        if (cached != null) {
            List<DnsStep> steps = wantSteps
                    ? List.of(DnsStep.cacheHit(DnsStep.Source.RESOLVER_CACHE, q.name() + " " + Type.string(type), IterativeResolver.describe(cached)))
                    : List.of();
            byte[] response = encode(q, protocol, cached.rcode(), cached.answer(), cached.authority(), steps, wantSteps, "");
            if (protocol == DnsProtocol.UDP && !wantSteps) {
                // Exact until a TTL ticks down or expires; a steps report is never replayed.
                packets.put(wire, response, cached.validUntil());
            }
            reply.accept(response);
            return;
        }
        if (!q.recursionDesired()) {
            reply.accept(withRa(Responses.echo(q.message(), Rcode.REFUSED)));
            return;
        }
        if (inflight.incrementAndGet() > config.limits().maxInflight()) {
            inflight.decrementAndGet();
            servfails.incrementAndGet();
            reply.accept(withRa(Responses.echo(q.message(), Rcode.SERVFAIL)));
            return;
        }
        Thread.ofVirtual().name("resolve " + q.name()).start(() -> {
            try {
                Outcome o = iterator.resolve(q.name(), type);
                if (o.rcode() == Rcode.SERVFAIL) {
                    servfails.incrementAndGet();
                    log.debug("{}: SERVFAIL for {} {}: {}", config.name(), q.name(), Type.string(type), o.failure());
                }
                reply.accept(encode(q, protocol, o.rcode(), o.answer(), o.authority(), o.steps(), wantSteps, o.failure()));
            } catch (RuntimeException bug) {
                servfails.incrementAndGet();
                log.warn("{}: failed resolving {} {}", config.name(), q.name(), Type.string(type), bug);
                reply.accept(withRa(Responses.echo(q.message(), Rcode.SERVFAIL)));
            } finally {
                inflight.decrementAndGet();
            }
        });
    }

    private byte[] encode(ParsedQuery.Query q, DnsProtocol protocol, int rcode, List<Record> answer, List<Record> authority,
                          List<DnsStep> steps, boolean wantSteps, String failure) {
        Message response = Responses.responseTo(q);
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().setRcode(rcode);
        for (Record r : answer) {
            response.addRecord(r, Section.ANSWER);
        }
        for (Record r : authority) {
            response.addRecord(r, Section.AUTHORITY);
        }
        if (q.edns()) {
            List<EDNSOption> options = new ArrayList<>(2);
            if (wantSteps) {
                options.add(StepsOption.response(steps));
            }
            if (!failure.isEmpty()) {
                // RFC 8914 Extended DNS Error: say why, so dig shows it next to SERVFAIL.
                options.add(new ExtendedErrorCodeOption(ExtendedErrorCodeOption.OTHER, failure));
            }
            response.addRecord(Responses.serverOpt(q, options.toArray(EDNSOption[]::new)), Section.ADDITIONAL);
        }
        return Responses.encode(response, q, protocol == DnsProtocol.UDP);
    }

    /** Sets RA on an error response built from the query (the resolver offers recursion). */
    private static byte[] withRa(byte[] response) {
        if (response.length >= 4) {
            response[3] |= (byte) 0x80;
        }
        return response;
    }
}
