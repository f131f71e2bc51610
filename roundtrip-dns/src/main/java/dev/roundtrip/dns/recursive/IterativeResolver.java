package dev.roundtrip.dns.recursive;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.transport.DnsClient;
import dev.roundtrip.dns.transport.DnsExchange;
import dev.roundtrip.dns.transport.DnsProtocol;
import dev.roundtrip.dns.wire.Queries;
import dev.roundtrip.dns.zone.RecordTtl;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Finds the answer to one question by iterating from the root (RFC 1034 section 5.3.3): the
 * closest cached delegation or the root hints, then each referral down to the zone that answers,
 * chasing CNAMEs across zones and resolving out-of-bailiwick name server names on the way.
 *
 * <p>QNAME minimisation (RFC 9156) in relaxed mode, like Unbound's default: each zone's servers are
 * asked about the name only one label below the zone (type A), until the full name is reached;
 * when a server answers a minimised question with an error or NXDOMAIN, the full name is asked
 * instead. Every upstream query is recorded as a {@link DnsStep}, with the server's lab address.
 *
 * <p>Blocking: call from a virtual thread. Thread-safe; state of one resolution lives in {@link Task}.
 */
final class IterativeResolver {
    private final RecursiveConfig config;
    private final DnsCache cache;
    private final ServerSelection selection;
    private final DnsClient client;
    private final MonotonicClock clock;

    IterativeResolver(RecursiveConfig config, DnsCache cache, ServerSelection selection, DnsClient client) {
        this.config = config;
        this.cache = cache;
        this.selection = selection;
        this.client = client;
        this.clock = config.clock();
    }

    /** Per client query: the steps so far, the upstream query budget and the deadline. */
    final class Task {
        final List<DnsStep> steps = new ArrayList<>();
        int queries;
        final long deadline = clock.nanoTime() + config.limits().totalTimeout().toNanos();
        String failure = "";

        boolean exhausted() {
            if (queries >= config.limits().maxUpstreamQueries()) {
                failure = "more than " + config.limits().maxUpstreamQueries() + " upstream queries";
                return true;
            }
            if (clock.nanoTime() >= deadline) {
                failure = "no answer within " + config.limits().totalTimeout().toMillis() + " ms";
                return true;
            }
            return false;
        }
    }

    /** Resolves {@code qname}/{@code qtype} for a client, following CNAMEs across zones. */
    Outcome resolve(Name qname, int qtype) {
        Task task = new Task();
        return resolve(task, qname, qtype, 0);
    }

    Outcome resolve(Task task, Name qname, int qtype, int nsDepth) {
        List<Record> chain = new ArrayList<>();
        Name name = qname;
        for (int hop = 0; hop <= config.limits().maxCnameChain(); hop++) {
            DnsCache.CachedAnswer cached = cache.answer(name, qtype, config.limits().maxCnameChain(), clock.nanoTime());
            if (cached != null) {
                chain.addAll(cached.answer());
                task.steps.add(DnsStep.cacheHit(DnsStep.Source.RESOLVER_CACHE, name + " " + Type.string(qtype), describe(cached)));
                return new Outcome(cached.rcode(), chain, cached.authority(), task.steps, "");
            }
            ResponseClassifier.Classification result = iterate(task, name, qtype, nsDepth);
            switch (result) {
                case ResponseClassifier.Answer a -> {
                    chain.addAll(a.cnames());
                    chain.addAll(a.rrset());
                    return new Outcome(Rcode.NOERROR, chain, List.of(), task.steps, "");
                }
                case ResponseClassifier.NxDomain n -> {
                    chain.addAll(n.cnames());
                    return new Outcome(Rcode.NXDOMAIN, chain, n.soa() == null ? List.of() : List.of(negativeSoa(n.soa())), task.steps, "");
                }
                case ResponseClassifier.NoData n -> {
                    chain.addAll(n.cnames());
                    return new Outcome(Rcode.NOERROR, chain, n.soa() == null ? List.of() : List.of(negativeSoa(n.soa())), task.steps, "");
                }
                case ResponseClassifier.Cname c -> {
                    chain.addAll(c.cnames());
                    name = c.target();
                }
                case ResponseClassifier.Referral r -> {
                    return servfail(task, chain, "referral where an answer was expected");
                }
                case ResponseClassifier.Lame l -> {
                    return servfail(task, chain, l.reason());
                }
            }
        }
        return servfail(task, chain, "CNAME chain longer than " + config.limits().maxCnameChain());
    }

    private Outcome servfail(Task task, List<Record> chain, String reason) {
        String why = task.failure.isEmpty() ? reason : task.failure;
        return new Outcome(Rcode.SERVFAIL, List.of(), List.of(), task.steps, why);
    }

    /**
     * Iterates for one name (no CNAME following across zones): returns the classification of the
     * final authoritative response, or {@link ResponseClassifier.Lame} when it gave up.
     */
    private ResponseClassifier.Classification iterate(Task task, Name name, int qtype, int nsDepth) {
        long now = clock.nanoTime();
        Name zone;
        List<Record> nsSet = cache.closestNs(name, now);
        List<InetSocketAddress> hinted = null;
        StubZone stub = config.stubZoneFor(name);
        // A stub zone's own servers answer for it; only a delegation cached strictly below it wins.
        boolean belowStub = stub != null && nsSet != null && nsSet.getFirst().getName().subdomain(stub.name())
                && !nsSet.getFirst().getName().equals(stub.name());
        if (stub != null && !belowStub) {
            zone = stub.name();
            hinted = stub.servers();
            nsSet = null;
        } else if (nsSet == null) {
            zone = Name.root;
            hinted = config.rootServers();
        } else {
            zone = nsSet.getFirst().getName();
        }
        int labels = Math.min(zone.labels() + 1, name.labels());
        for (int referrals = 0; referrals <= config.limits().maxReferralDepth(); ) {
            boolean minimised = config.qnameMinimisation() && labels < name.labels();
            Name queryName = minimised ? new Name(name, name.labels() - labels) : name;
            int queryType = minimised ? Type.A : qtype;
            if (minimised && cache.knownToExist(queryName, clock.nanoTime())) {
                labels++; // asked before: the name exists in this zone without a cut
                continue;
            }
            List<InetSocketAddress> servers = hinted != null ? hinted : serversFor(task, zone, nsSet, nsDepth);
            if (servers.isEmpty()) {
                return new ResponseClassifier.Lame(task.failure.isEmpty() ? "no address for any name server of " + zone : task.failure);
            }
            Asked asked = askOnce(task, zone, servers, queryName, queryType);
            if (asked == null) {
                if (minimised) {
                    labels = name.labels(); // relaxed: ask the full name
                    continue;
                }
                return new ResponseClassifier.Lame(task.failure.isEmpty() ? "no server of " + zone + " answered" : task.failure);
            }
            ResponseClassifier.Classification c = asked.classification();
            if (c instanceof ResponseClassifier.Referral r) {
                zone = r.child(); // askOnce has cached the delegation
                nsSet = r.ns();
                hinted = null;
                labels = Math.min(zone.labels() + 1, name.labels());
                referrals++;
                continue;
            }
            if (minimised) {
                if (c instanceof ResponseClassifier.NxDomain || c instanceof ResponseClassifier.Lame) {
                    labels = name.labels(); // relaxed mode: fall back to the full name
                } else {
                    cacheFinal(c, queryName, queryType); // so the next name below skips this question
                    labels++; // the name exists in this zone without a cut: one label more
                }
                continue;
            }
            cacheFinal(c, name, qtype);
            return c;
        }
        return new ResponseClassifier.Lame("more than " + config.limits().maxReferralDepth() + " referrals");
    }

    /** A question being asked of a zone's servers right now. */
    private record InFlight(Name zone, Name qname, int qtype) {}

    private final ConcurrentHashMap<InFlight, CompletableFuture<Asked>> inFlight =
            new ConcurrentHashMap<>();

    /**
     * Asks a zone's servers, unless the same question is already on its way to them for another
     * client query (a stub's parallel A and AAAA both start with "com. A" at the root): then it
     * waits for that answer instead of sending a duplicate, as Unbound's mesh does. The step says
     * so ("shared"), with the time waited.
     */
    private Asked askOnce(Task task, Name zone, List<InetSocketAddress> servers, Name qname, int qtype) {
        InFlight key = new InFlight(zone, qname, qtype);
        CompletableFuture<Asked> mine = new CompletableFuture<>();
        CompletableFuture<Asked> other = inFlight.putIfAbsent(key, mine);
        if (other != null) {
            long waitStart = clock.nanoTime();
            Asked shared = other.join();
            if (shared != null && shared.server() == null) {
                task.steps.add(DnsStep.cacheHit(DnsStep.Source.RESOLVER_CACHE, qname + " " + Type.string(qtype),
                        describe(shared.classification())));
                return shared;
            }
            if (shared != null) {
                task.steps.add(new DnsStep(DnsStep.Source.QUERY, HostPort.format(shared.server()), zone.toString(),
                        qname + " " + Type.string(qtype), describe(shared.classification()) + " (shared)", clock.nanoTime() - waitStart));
                return shared;
            }
            return ask(task, zone, servers, qname, qtype); // the other attempt failed: try ourselves
        }
        Asked asked = null;
        try {
            // The same question may have been answered (and its delegation cached) since the caller
            // looked at the cache: then the delegation is already known.
            List<Record> known = cache.closestNs(qname, clock.nanoTime());
            if (known != null && known.getFirst().getName().subdomain(zone) && !known.getFirst().getName().equals(zone)) {
                Name cut = known.getFirst().getName();
                task.steps.add(DnsStep.cacheHit(DnsStep.Source.RESOLVER_CACHE, qname + " " + Type.string(qtype), "referral to " + cut));
                asked = new Asked(new ResponseClassifier.Referral(cut, known, List.of()), null);
                return asked;
            }
            asked = ask(task, zone, servers, qname, qtype);
            if (asked != null && asked.classification() instanceof ResponseClassifier.Referral r) {
                cacheReferral(r); // before leaving the in-flight map, so no one asks again in between
            }
            return asked;
        } finally {
            inFlight.remove(key, mine);
            mine.complete(asked);
        }
    }

    /** A classified response and the server that gave it. */
    private record Asked(ResponseClassifier.Classification classification, InetSocketAddress server) {}

    /** How many times the servers of a zone are gone through when they only time out (lost datagrams). */
    static final int ROUNDS = 3;

    /**
     * Asks the zone's servers in SRTT order until one gives a usable response (UDP, then TCP on
     * truncation). A lame or erroneous answer moves on to the next server for good; a timeout
     * (a lost datagram, say) leaves the server in the list for the next round, up to {@link #ROUNDS}
     * rounds, within the query budget and deadline. Null when none answered.
     */
    private Asked ask(Task task, Name zone, List<InetSocketAddress> servers, Name qname, int qtype) {
        String question = qname + " " + Type.string(qtype);
        List<InetSocketAddress> candidates = new ArrayList<>(servers);
        for (int round = 0; round < ROUNDS && !candidates.isEmpty(); round++) {
            List<InetSocketAddress> timedOut = new ArrayList<>();
            for (InetSocketAddress lab : selection.order(candidates)) {
                if (task.exhausted()) {
                    return null;
                }
                Attempt attempt = askServer(task, zone, lab, qname, qtype, question);
                if (attempt.asked() != null) {
                    return attempt.asked();
                }
                if (attempt.timedOut()) {
                    timedOut.add(lab);
                }
            }
            candidates = timedOut;
        }
        return null;
    }

    /** One server's answer, or whether it timed out (worth another try) rather than failed. */
    private record Attempt(Asked asked, boolean timedOut) {}

    private Attempt askServer(Task task, Name zone, InetSocketAddress lab, Name qname, int qtype, String question) {
        if (!reachable(lab.getAddress())) {
            task.steps.add(new DnsStep(DnsStep.Source.QUERY, HostPort.format(lab), zone.toString(), question,
                    "skipped: not a lab or loopback address", 0));
            return new Attempt(null, false);
        }
        InetSocketAddress real;
        try {
            real = config.network().connectAddress(lab);
        } catch (IllegalArgumentException unreachable) {
            return new Attempt(null, false); // e.g. an IPv6 lab address nothing listens on in the embedded network
        }
        String server = HostPort.format(lab);
        DnsProtocol protocol = DnsProtocol.UDP;
        for (int tries = 0; tries < 2; tries++) {
            task.queries++;
            Message query = Queries.newQuery(qname, qtype, false);
            DnsExchange exchange;
            try {
                exchange = client.query(real, query, protocol, config.limits().queryTimeout()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Attempt(null, false);
            } catch (ExecutionException e) {
                boolean timeout = e.getCause() instanceof TimeoutException;
                if (timeout) {
                    selection.timeout(lab, config.limits().queryTimeout().toNanos());
                }
                task.steps.add(new DnsStep(DnsStep.Source.QUERY, server, zone.toString(), question,
                        timeout ? "timeout" : "error " + e.getCause().getMessage(), 0));
                return new Attempt(null, timeout);
            }
            selection.success(lab, exchange.rttNanos());
            Message response = exchange.response();
            if (response.getHeader().getFlag(Flags.TC) && protocol == DnsProtocol.UDP) {
                task.steps.add(new DnsStep(DnsStep.Source.QUERY, server, zone.toString(), question, "truncated, retry over TCP",
                        exchange.rttNanos()));
                protocol = DnsProtocol.TCP;
                continue;
            }
            ResponseClassifier.Classification c = ResponseClassifier.classify(response, zone, qname, qtype);
            task.steps.add(new DnsStep(DnsStep.Source.QUERY, server, zone.toString(),
                    question + (protocol == DnsProtocol.TCP ? " (tcp)" : ""), describe(c), exchange.rttNanos()));
            if (c instanceof ResponseClassifier.Lame) {
                return new Attempt(null, false); // next server
            }
            return new Attempt(new Asked(c, lab), false);
        }
        return new Attempt(null, false);
    }

    /**
     * roundtrip's servers send traffic only to lab addresses (198.18.0.0/15, 2001:db8::/32) and
     * loopback: a zone naming any other address is never followed there.
     */
    static boolean reachable(InetAddress address) {
        return address != null && (address.isLoopbackAddress() || LabAddresses.isLab(address));
    }

    /** Addresses of a zone's name servers: from glue or cache, else by resolving the names (bounded). */
    private List<InetSocketAddress> serversFor(Task task, Name zone, List<Record> nsSet, int nsDepth) {
        List<InetSocketAddress> v4 = new ArrayList<>();
        List<InetSocketAddress> v6 = new ArrayList<>();
        List<Name> unresolved = new ArrayList<>();
        long now = clock.nanoTime();
        for (Record r : nsSet) {
            Name target = ((NSRecord) r).getTarget();
            int before = v4.size() + v6.size();
            addAddresses(cache.rrset(target, Type.A, DnsCache.Rank.GLUE, now), v4, v6);
            addAddresses(cache.rrset(target, Type.AAAA, DnsCache.Rank.GLUE, now), v4, v6);
            if (v4.size() + v6.size() == before) {
                unresolved.add(target);
            }
        }
        if (v4.isEmpty() && nsDepth < config.limits().maxNsResolutionDepth()) {
            for (Name target : unresolved) {
                if (target.subdomain(zone)) {
                    continue; // in-bailiwick without glue: resolving it would need this very zone
                }
                if (task.exhausted()) {
                    break;
                }
                Outcome o = resolve(task, target, Type.A, nsDepth + 1);
                for (Record a : o.answer()) {
                    if (a instanceof ARecord rec && a.getName().equals(lastName(o.answer(), target))) {
                        v4.add(new InetSocketAddress(rec.getAddress(), 53));
                    }
                }
                if (!v4.isEmpty()) {
                    break; // one reachable server is enough to go on
                }
            }
        }
        List<InetSocketAddress> all = new ArrayList<>(v4);
        all.addAll(v6); // IPv4 first: the embedded network maps lab IPv4 addresses
        return all;
    }

    private static Name lastName(List<Record> chain, Name start) {
        Name n = start;
        for (Record r : chain) {
            if (r instanceof CNAMERecord c && c.getName().equals(n)) {
                n = c.getTarget();
            }
        }
        return n;
    }

    private static void addAddresses(List<Record> records, List<InetSocketAddress> v4, List<InetSocketAddress> v6) {
        if (records == null) {
            return;
        }
        for (Record r : records) {
            InetAddress a = r instanceof ARecord ar ? ar.getAddress() : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
            if (a != null) {
                (a instanceof Inet4Address ? v4 : v6).add(new InetSocketAddress(a, 53));
            }
        }
    }

    private void cacheReferral(ResponseClassifier.Referral r) {
        long now = clock.nanoTime();
        cache.putRRset(r.ns(), DnsCache.Rank.REFERRAL, now);
        for (List<Record> rrset : ResponseClassifier.rrsets(r.glue())) {
            cache.putRRset(rrset, DnsCache.Rank.GLUE, now);
        }
    }

    private void cacheFinal(ResponseClassifier.Classification c, Name name, int qtype) {
        long now = clock.nanoTime();
        switch (c) {
            case ResponseClassifier.Answer a -> {
                for (List<Record> rrset : ResponseClassifier.rrsets(a.cnames())) {
                    cache.putRRset(rrset, DnsCache.Rank.ANSWER, now);
                }
                cache.putRRset(a.rrset(), DnsCache.Rank.ANSWER, now);
            }
            case ResponseClassifier.Cname cn -> {
                for (List<Record> rrset : ResponseClassifier.rrsets(cn.cnames())) {
                    cache.putRRset(rrset, DnsCache.Rank.ANSWER, now);
                }
            }
            case ResponseClassifier.NxDomain n -> {
                for (List<Record> rrset : ResponseClassifier.rrsets(n.cnames())) {
                    cache.putRRset(rrset, DnsCache.Rank.ANSWER, now);
                }
                cache.putNegative(n.name(), qtype, Rcode.NXDOMAIN, n.soa(), now);
            }
            case ResponseClassifier.NoData n -> {
                for (List<Record> rrset : ResponseClassifier.rrsets(n.cnames())) {
                    cache.putRRset(rrset, DnsCache.Rank.ANSWER, now);
                }
                cache.putNegative(n.name(), qtype, Rcode.NOERROR, n.soa(), now);
            }
            default -> { }
        }
    }

    private Record negativeSoa(SOARecord soa) {
        long ttl = Math.min(Math.min(soa.getTTL(), soa.getMinimum()), config.cache().maxNegativeTtl().toSeconds());
        return RecordTtl.withTtl(soa, ttl);
    }

    /** The outcome text of a step: "referral to com.", "answer 198.18.1.10", "NXDOMAIN", ... */
    static String describe(ResponseClassifier.Classification c) {
        return switch (c) {
            case ResponseClassifier.Answer a -> "answer " + (a.rrset().isEmpty() ? "" : a.rrset().getFirst().rdataToString())
                    + (a.rrset().size() > 1 ? " (+" + (a.rrset().size() - 1) + ")" : "")
                    + (a.cnames().isEmpty() ? "" : " via CNAME " + ((CNAMERecord) a.cnames().getLast()).getTarget());
            case ResponseClassifier.Cname cn -> "CNAME " + cn.target();
            case ResponseClassifier.Referral r -> "referral to " + r.child();
            case ResponseClassifier.NxDomain n -> "NXDOMAIN";
            case ResponseClassifier.NoData n -> "NODATA";
            case ResponseClassifier.Lame l -> "lame: " + l.reason();
        };
    }

    static String describe(DnsCache.CachedAnswer cached) {
        if (cached.rcode() == Rcode.NXDOMAIN) {
            return "NXDOMAIN";
        }
        Record last = null;
        for (Record r : cached.answer()) {
            if (r.getType() != Type.CNAME) {
                last = r;
                break;
            }
        }
        if (last == null) {
            return cached.answer().isEmpty() ? "NODATA" : "CNAME " + cached.answer().getLast().rdataToString();
        }
        return "answer " + last.rdataToString() + " (TTL " + last.getTTL() + " s)";
    }
}
