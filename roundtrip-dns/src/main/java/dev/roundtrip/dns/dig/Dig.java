package dev.roundtrip.dns.dig;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.steps.StepsOption;
import dev.roundtrip.dns.transport.DnsClient;
import dev.roundtrip.dns.transport.DnsExchange;
import dev.roundtrip.dns.transport.DnsProtocol;
import dev.roundtrip.dns.wire.Queries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The DNS client behind {@code roundtrip dig}: one query to a server (UDP, retried over TCP on
 * truncation), or with +trace an iteration from the root servers that keeps every referral, as
 * dig +trace prints them. Blocking; each call makes its own event loop and releases it.
 */
public final class Dig {
    private static final int MAX_TRACE_REFERRALS = 16;

    private Dig() {}

    /**
     * Runs the request.
     *
     * @throws IOException naming the server when no answer came (timeout, refused connection)
     */
    public static DigResult run(DigRequest request) throws IOException {
        try (DnsClient client = new DnsClient(MonotonicClock.SYSTEM)) {
            return request.trace() ? trace(client, request) : single(client, request);
        }
    }

    private static DigResult single(DnsClient client, DigRequest request) throws IOException {
        EDNSOption[] options = request.explain() ? new EDNSOption[] {StepsOption.request()} : new EDNSOption[0];
        Message query = Queries.newQuery(request.name(), request.type(), request.recurse(), options);
        DigResult.Exchange exchange = exchange(client, request, request.server(), "", "", query);
        List<dev.roundtrip.core.timeline.DnsStep> steps = request.explain() ? StepsOption.find(exchange.response()).orElse(null) : null;
        return new DigResult(List.of(exchange), steps);
    }

    private static DigResult trace(DnsClient client, DigRequest request) throws IOException {
        List<DigResult.Exchange> exchanges = new ArrayList<>();
        List<InetSocketAddress> servers = request.rootServers();
        List<String> names = new ArrayList<>();
        Name zone = Name.root;
        for (int i = 0; i <= MAX_TRACE_REFERRALS; i++) {
            IOException last = null;
            DigResult.Exchange answered = null;
            for (int s = 0; s < servers.size() && answered == null; s++) {
                Message query = Queries.newQuery(request.name(), request.type(), false);
                try {
                    answered = exchange(client, request, servers.get(s), s < names.size() ? names.get(s) : "", zone.toString(), query);
                } catch (IOException e) {
                    last = e;
                }
            }
            if (answered == null) {
                throw last != null ? last : new IOException("no server of " + zone + " has a reachable address");
            }
            exchanges.add(answered);
            Message response = answered.response();
            if (response.getRcode() != Rcode.NOERROR || !response.getSection(Section.ANSWER).isEmpty()
                    || response.getHeader().getFlag(Flags.AA)) {
                return new DigResult(exchanges, null);
            }
            // A referral: NS for a zone below the current one, addresses from the glue.
            Name child = null;
            List<InetSocketAddress> next = new ArrayList<>();
            List<String> nextNames = new ArrayList<>();
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r instanceof NSRecord ns && r.getName().subdomain(zone) && !r.getName().equals(zone)
                        && request.name().subdomain(r.getName())) {
                    child = r.getName();
                    for (Record g : response.getSection(Section.ADDITIONAL)) {
                        InetAddress a = g instanceof ARecord ar ? ar.getAddress() : g instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                        if (a != null && g.getName().equals(ns.getTarget())) {
                            next.add(new InetSocketAddress(a, 53));
                            nextNames.add(ns.getTarget().toString());
                        }
                    }
                }
            }
            if (child == null) {
                return new DigResult(exchanges, null); // neither answer nor referral: show what came
            }
            if (next.isEmpty()) {
                throw new IOException("referral to " + child + " has no glue addresses; +trace follows glue only");
            }
            // IPv4 first, as the lab's embedded network maps IPv4 addresses.
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < next.size(); k++) {
                order.add(k);
            }
            order.sort((x, y) -> Boolean.compare(next.get(x).getAddress() instanceof java.net.Inet6Address,
                    next.get(y).getAddress() instanceof java.net.Inet6Address));
            servers = order.stream().map(next::get).toList();
            names = order.stream().map(nextNames::get).toList();
            zone = child;
        }
        throw new IOException("more than " + MAX_TRACE_REFERRALS + " referrals");
    }

    private static DigResult.Exchange exchange(DnsClient client, DigRequest request, InetSocketAddress lab, String serverName,
                                               String zone, Message query) throws IOException {
        InetSocketAddress real;
        try {
            real = request.network().connectAddress(lab);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        DnsProtocol protocol = request.tcp() ? DnsProtocol.TCP : DnsProtocol.UDP;
        try {
            DnsExchange e = client.query(real, query, protocol, request.timeout()).get();
            if (e.response().getHeader().getFlag(Flags.TC) && protocol == DnsProtocol.UDP) {
                e = client.query(real, Queries.withNewId(query), DnsProtocol.TCP, request.timeout()).get();
            }
            return new DigResult.Exchange(lab, serverName, zone, e.protocol() == DnsProtocol.TCP, e.rttNanos(), e.responseBytes(), e.response());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String what = cause instanceof java.util.concurrent.TimeoutException ? "timed out" : String.valueOf(cause.getMessage());
            throw new IOException("communications error to " + dev.roundtrip.core.net.HostPort.format(lab) + ": " + what, cause);
        }
    }
}
