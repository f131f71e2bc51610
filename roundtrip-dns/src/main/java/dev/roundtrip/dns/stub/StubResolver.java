package dev.roundtrip.dns.stub;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.ResolutionException;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.dns.steps.StepsOption;
import dev.roundtrip.dns.transport.DnsClient;
import dev.roundtrip.dns.transport.DnsExchange;
import dev.roundtrip.dns.transport.DnsProtocol;
import dev.roundtrip.dns.wire.Queries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The client end of name resolution: a stub resolver (RFC 1034 section 5.3.1) that keeps its own
 * cache of names (the "OS cache" step) and asks one recursive resolver for the rest, A and AAAA in
 * parallel, IPv4 addresses first in the result.
 *
 * <p>When the resolver is roundtrip's, the stub asks it with the EDNS option of {@link StepsOption}
 * how it found the answer, and reports each of its steps (a cache hit, or root -> TLD ->
 * authoritative queries) as a {@link DnsStep} to the listener and in {@link Resolution#steps()};
 * a resolver that ignores the option is reported as one query step. A local cache hit is one
 * {@link DnsStep.Source#STUB_CACHE} step.
 *
 * <p>Thread-safe. Each resolution runs on a virtual thread, so callers never block.
 */
public final class StubResolver implements Resolver, AutoCloseable {
    private final StubConfig config;
    private final DnsClient client;
    private final StubCache cache;

    public StubResolver(StubConfig config) {
        this.config = config;
        this.client = new DnsClient(config.clock());
        this.cache = new StubCache(config.maxCacheEntries());
    }

    /** A stub with default settings asking the recursive resolver at {@code recursiveResolver}. */
    public StubResolver(Network network, InetSocketAddress recursiveResolver, MonotonicClock clock) {
        this(new StubConfig(network, recursiveResolver, clock));
    }

    /** A stub asking the first {@code nameserver} of the system's {@code /etc/resolv.conf}. */
    public static StubResolver system(Network network, MonotonicClock clock) {
        return new StubResolver(network, nameserverFromResolvConf(Path.of("/etc/resolv.conf")), clock);
    }

    /**
     * The first {@code nameserver} line of a resolv.conf file, on port 53.
     *
     * @throws IllegalArgumentException when the file cannot be read or names no nameserver
     */
    public static InetSocketAddress nameserverFromResolvConf(Path resolvConf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + resolvConf + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                String address = words[1];
                int zone = address.indexOf('%');
                if (zone >= 0) {
                    address = address.substring(0, zone);
                }
                return new InetSocketAddress(LabAddresses.parseLiteral(address), 53);
            }
        }
        throw new IllegalArgumentException(resolvConf + " names no nameserver");
    }

    public StubConfig config() {
        return config;
    }

    /** Forgets every cached name (for "cold" measurements). */
    public void clearCache() {
        cache.clear();
    }

    @Override
    public CompletableFuture<Resolution> resolve(String host, RequestListener listener) {
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(new Resolution(host, List.of(literal.get()), false, List.of()));
        }
        CompletableFuture<Resolution> result = new CompletableFuture<>();
        Thread.ofVirtual().name("stub-resolver " + host).start(() -> {
            try {
                result.complete(resolveBlocking(host, listener));
            } catch (ResolutionException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(new ResolutionException(host, ResolutionException.Reason.OTHER, e.getMessage(), e));
            }
        });
        return result;
    }

    private Resolution resolveBlocking(String host, RequestListener listener) throws ResolutionException {
        String key = host.toLowerCase(Locale.ROOT);
        Name name = toName(host);
        long now = config.clock().nanoTime();
        StubCache.Entry cached = cache.get(key, now);
        if (cached != null) {
            String outcome = cached.positive()
                    ? "answer " + cached.addresses().getFirst().getHostAddress() + " (TTL " + cached.remainingSeconds(now) + " s)"
                    : cached.failure().name();
            DnsStep step = DnsStep.cacheHit(DnsStep.Source.STUB_CACHE, name + " A/AAAA", outcome);
            listener.dnsStep(step);
            if (!cached.positive()) {
                throw new ResolutionException(host, cached.failure(), "cached negative answer");
            }
            return new Resolution(host, cached.addresses(), true, List.of(step));
        }
        CompletableFuture<Answer> a = CompletableFuture.supplyAsync(() -> ask(name, Type.A), r -> Thread.ofVirtual().start(r));
        CompletableFuture<Answer> aaaa = CompletableFuture.supplyAsync(() -> ask(name, Type.AAAA), r -> Thread.ofVirtual().start(r));
        Answer four = a.join();
        Answer six = aaaa.join();
        List<DnsStep> steps = new ArrayList<>(four.steps());
        steps.addAll(six.steps());
        steps.forEach(listener::dnsStep);
        List<InetAddress> addresses = new ArrayList<>(four.addresses());
        addresses.addAll(six.addresses());
        if (addresses.isEmpty()) {
            // Report the IPv4 side's reason unless it only lacked data where IPv6 failed outright.
            Answer worst = four.failure() == ResolutionException.Reason.NODATA && six.failure() != ResolutionException.Reason.NODATA ? six : four;
            ResolutionException.Reason reason = worst.failure() == null ? ResolutionException.Reason.NODATA : worst.failure();
            if (reason == ResolutionException.Reason.NXDOMAIN || reason == ResolutionException.Reason.NODATA) {
                long ttl = Math.min(Math.min(four.ttlSeconds(), six.ttlSeconds()), config.maxNegativeTtl().toSeconds());
                cache.put(key, new StubCache.Entry(List.of(), reason, ttl, config.clock().nanoTime() + ttl * 1_000_000_000L));
            }
            throw new ResolutionException(host, reason, worst.detail(), worst.cause());
        }
        long ttl = Math.min(four.addresses().isEmpty() ? Long.MAX_VALUE : four.ttlSeconds(),
                six.addresses().isEmpty() ? Long.MAX_VALUE : six.ttlSeconds());
        cache.put(key, new StubCache.Entry(List.copyOf(addresses), null, ttl, config.clock().nanoTime() + ttl * 1_000_000_000L));
        return new Resolution(host, addresses, false, steps);
    }

    /** What one query (A or AAAA) brought: addresses or a failure, the TTL to cache it, and its steps. */
    private record Answer(List<InetAddress> addresses, ResolutionException.Reason failure, String detail, Throwable cause,
                          long ttlSeconds, List<DnsStep> steps) {}

    private Answer ask(Name name, int type) {
        String question = name + " " + Type.string(type);
        EDNSOption[] options = config.askForSteps() ? new EDNSOption[] {StepsOption.request()} : new EDNSOption[0];
        InetSocketAddress server;
        try {
            server = config.network().connectAddress(config.resolver());
        } catch (IllegalArgumentException e) {
            return new Answer(List.of(), ResolutionException.Reason.OTHER, e.getMessage(), e, 0, List.of());
        }
        DnsExchange exchange = null;
        Throwable lastError = null;
        DnsProtocol protocol = DnsProtocol.UDP;
        for (int attempt = 0; attempt < config.attempts() && exchange == null; attempt++) {
            Message query = Queries.newQuery(name, type, true, options);
            try {
                exchange = client.query(server, query, protocol, config.timeout()).get();
                if (exchange.response().getHeader().getFlag(Flags.TC) && protocol == DnsProtocol.UDP) {
                    protocol = DnsProtocol.TCP; // RFC 7766: the full answer is there
                    exchange = null;
                    attempt--;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(List.of(), ResolutionException.Reason.OTHER, "interrupted", e, 0, List.of());
            } catch (ExecutionException e) {
                lastError = e.getCause();
            }
        }
        String resolverText = HostPort.format(config.resolver());
        if (exchange == null) {
            boolean timeout = lastError instanceof TimeoutException;
            DnsStep step = new DnsStep(DnsStep.Source.QUERY, resolverText, "", question, timeout ? "timeout" : "error", 0);
            return new Answer(List.of(), timeout ? ResolutionException.Reason.TIMEOUT : ResolutionException.Reason.OTHER,
                    "resolver " + resolverText + ": " + (lastError == null ? "no answer" : lastError.getMessage()), lastError, 0, List.of(step));
        }
        Message response = exchange.response();
        long rtt = exchange.rttNanos();
        List<DnsStep> steps = StepsOption.find(response).orElseGet(() -> List.of(new DnsStep(DnsStep.Source.QUERY, resolverText, "",
                question, outcome(response, type), rtt)));
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR) {
            List<InetAddress> addresses = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            for (Record r : response.getSection(Section.ANSWER)) {
                ttl = Math.min(ttl, r.getTTL());
                if (r instanceof ARecord rec && type == Type.A) {
                    addresses.add(rec.getAddress());
                } else if (r instanceof AAAARecord rec && type == Type.AAAA) {
                    addresses.add(rec.getAddress());
                }
            }
            if (!addresses.isEmpty()) {
                return new Answer(addresses, null, "", null, ttl, steps);
            }
            return new Answer(List.of(), ResolutionException.Reason.NODATA, "no " + Type.string(type) + " records", null,
                    negativeTtl(response), steps);
        }
        ResolutionException.Reason reason = switch (rcode) {
            case Rcode.NXDOMAIN -> ResolutionException.Reason.NXDOMAIN;
            case Rcode.SERVFAIL -> ResolutionException.Reason.SERVFAIL;
            case Rcode.REFUSED -> ResolutionException.Reason.REFUSED;
            default -> ResolutionException.Reason.OTHER;
        };
        return new Answer(List.of(), reason, "resolver " + resolverText + " answered " + Rcode.string(rcode), null,
                negativeTtl(response), steps);
    }

    /** RFC 2308 section 5: a negative answer lives min(SOA TTL, SOA minimum) seconds; 0 without SOA. */
    private static long negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    private static String outcome(Message response, int type) {
        if (response.getRcode() != Rcode.NOERROR) {
            return Rcode.string(response.getRcode());
        }
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                return "answer " + r.rdataToString();
            }
        }
        return "NODATA";
    }

    private static Name toName(String host) throws ResolutionException {
        try {
            return Name.fromString(host.endsWith(".") ? host : host + ".");
        } catch (TextParseException e) {
            throw new ResolutionException(host, ResolutionException.Reason.OTHER, "not a valid host name: " + e.getMessage(), e);
        }
    }

    private static Optional<InetAddress> literal(String host) {
        boolean looksLikeLiteral = host.indexOf(':') >= 0 || (!host.isEmpty() && host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (!looksLikeLiteral) {
            return Optional.empty();
        }
        try {
            return Optional.of(LabAddresses.parseLiteral(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
