package dev.roundtrip.dns.authoritative;

import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.dns.transport.DnsListener;
import dev.roundtrip.dns.transport.DnsProtocol;
import dev.roundtrip.dns.wire.PacketCache;
import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.QueryDecoder;
import dev.roundtrip.dns.wire.Responses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Rcode;

/**
 * An authoritative DNS server (root, TLD or a zone's own server): answers from its zones on UDP
 * and TCP of one address, never recursing. The path of a query: {@link DnsListener} reads the
 * bytes, {@link QueryDecoder} turns them into a query or an error, {@link AuthoritativeAnswerer}
 * decides the response, {@link Responses#encode} fits it to the transport.
 */
public final class AuthoritativeServer implements Service {
    private static final Logger log = LoggerFactory.getLogger(AuthoritativeServer.class);

    private final AuthoritativeConfig config;
    private final AuthoritativeAnswerer answerer;
    private final DnsListener listener;
    private final PacketCache packets = new PacketCache(10_000);
    private final AtomicLong formErrors = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private volatile Health health = Health.of(Health.Status.STARTING);

    public AuthoritativeServer(AuthoritativeConfig config) {
        this.config = config;
        this.answerer = new AuthoritativeAnswerer(config.zones(), config.maxCnameChain());
        this.listener = new DnsListener(config.name(), this::handle, config.limits());
    }

    @Override
    public String name() {
        return config.name();
    }

    public AuthoritativeConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<List<BoundAddress>> start() {
        CompletableFuture<List<BoundAddress>> started = new CompletableFuture<>();
        try {
            List<BoundAddress> bound = listener.bind(config.network(), config.listen());
            health = Health.serving();
            log.info("{}: serving {} zone(s) on {}", config.name(), config.zones().size(), bound.getFirst().real());
            started.complete(bound);
        } catch (Exception e) {
            health = new Health(Health.Status.FAILED, String.valueOf(e.getMessage()));
            listener.close(0);
            started.completeExceptionally(e);
        }
        return started;
    }

    /** The real address bound (after start). */
    public InetSocketAddress boundAddress() {
        return listener.boundAddress();
    }

    /** Health, with the query counters as its detail when serving. */
    @Override
    public Health health() {
        Health h = health;
        if (h.status() != Health.Status.SERVING) {
            return h;
        }
        return new Health(Health.Status.SERVING, "answered=" + answered.get() + " errors=" + formErrors.get() + " packet-cache-hits="
                + packets.hits() + " " + listener.counters());
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        health = Health.of(Health.Status.STOPPING);
        return CompletableFuture.runAsync(() -> {
            listener.close(grace.toMillis());
            health = Health.of(Health.Status.STOPPED);
        }, r -> Thread.ofVirtual().name("stop " + config.name()).start(r));
    }

    /** Queries answered, and queries answered FORMERR/NOTIMP/BADVERS or dropped. */
    public long answered() {
        return answered.get();
    }

    public long formErrors() {
        return formErrors.get();
    }

    public DnsListener.ListenerCounters counters() {
        return listener.counters();
    }

    /** Answers raw query bytes; public so benchmarks and tests can drive the hot path without sockets. */
    public byte[] respond(byte[] query, DnsProtocol protocol) {
        ParsedQuery parsed = QueryDecoder.decode(query);
        return switch (parsed) {
            case ParsedQuery.Drop d -> {
                formErrors.incrementAndGet();
                yield null;
            }
            case ParsedQuery.Error e -> {
                formErrors.incrementAndGet();
                log.debug("{}: {}", config.name(), e.defect());
                yield e.response();
            }
            case ParsedQuery.Query q -> {
                answered.incrementAndGet();
                try {
                    yield Responses.encode(answerer.answer(q), q, protocol == DnsProtocol.UDP);
                } catch (RuntimeException bug) {
                    log.warn("{}: failed answering {}", config.name(), q.question(), bug);
                    yield Responses.echo(q.message(), Rcode.SERVFAIL);
                }
            }
        };
    }

    /** Responses served from the packet cache so far. */
    public long packetCacheHits() {
        return packets.hits();
    }

    private void handle(byte[] query, DnsProtocol protocol, InetSocketAddress client, Consumer<byte[]> reply) {
        if (protocol == DnsProtocol.UDP) {
            byte[] cached = packets.get(query, 0);
            if (cached != null) {
                answered.incrementAndGet();
                reply.accept(cached);
                return;
            }
        }
        byte[] response = respond(query, protocol);
        if (protocol == DnsProtocol.UDP && response != null && response.length > 12 && (response[3] & 0x0f) != org.xbill.DNS.Rcode.FORMERR) {
            packets.put(query, response, PacketCache.FOREVER); // zones never change while serving
        }
        reply.accept(response);
    }
}
