package dev.roundtrip.dns.authoritative;

import dev.roundtrip.dns.wire.ParsedQuery;
import dev.roundtrip.dns.wire.Responses;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.dns.zone.ZoneLookup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import dev.roundtrip.dns.zone.RecordTtl;

/**
 * Decides the response of an authoritative server to one query, from its zones alone (no I/O): the
 * algorithm of RFC 1034 section 4.3.2 with the negative answers of RFC 2308 and the wildcards of
 * RFC 4592, which {@link Zone#lookup} implements per zone. Thread-safe.
 *
 * <ul>
 *   <li>a name outside every zone: REFUSED, no AA;
 *   <li>an answer: AA, the RRset; in-zone CNAMEs are followed up to a limit;
 *   <li>a delegation: no AA, NS in authority, glue in additional;
 *   <li>NODATA and NXDOMAIN: AA, the SOA in authority with TTL min(SOA TTL, SOA minimum).
 * </ul>
 */
public final class AuthoritativeAnswerer {
    private final List<Zone> zones;
    private final int maxCnameChain;

    public AuthoritativeAnswerer(List<Zone> zones, int maxCnameChain) {
        this.zones = List.copyOf(zones);
        this.maxCnameChain = maxCnameChain;
    }

    /** The zone with the longest origin containing {@code name}, or null. */
    public Zone zoneFor(Name name) {
        Zone best = null;
        for (Zone z : zones) {
            if (name.subdomain(z.origin()) && (best == null || z.origin().labels() > best.origin().labels())) {
                best = z;
            }
        }
        return best;
    }

    /** The response to a well-formed query, ready to encode. */
    public Message answer(ParsedQuery.Query query) {
        Message response = Responses.responseTo(query);
        Zone zone = zoneFor(query.name());
        if (zone == null || query.type() == Type.AXFR || query.type() == Type.IXFR) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response;
        }
        Name name = query.name();
        int type = query.type();
        Set<Name> seen = new HashSet<>();
        for (int hop = 0; ; hop++) {
            ZoneLookup result = zone.lookup(name, type);
            switch (result) {
                case ZoneLookup.Answer a -> {
                    response.getHeader().setFlag(Flags.AA);
                    a.records().forEach(r -> response.addRecord(r, Section.ANSWER));
                    addAdditional(response, zone, a.records());
                    return response;
                }
                case ZoneLookup.Cname c -> {
                    response.getHeader().setFlag(Flags.AA);
                    c.cname().forEach(r -> response.addRecord(r, Section.ANSWER));
                    Name target = c.target();
                    if (hop + 1 >= maxCnameChain || !seen.add(name) || seen.contains(target) || !target.subdomain(zone.origin())) {
                        // Out of zone (the resolver follows it), too long, or a loop: answer what we have.
                        return response;
                    }
                    name = target;
                }
                case ZoneLookup.Referral r -> {
                    if (response.getSection(Section.ANSWER).isEmpty()) {
                        response.getHeader().unsetFlag(Flags.AA);
                    }
                    r.ns().forEach(ns -> response.addRecord(ns, Section.AUTHORITY));
                    r.glue().forEach(g -> response.addRecord(g, Section.ADDITIONAL));
                    return response;
                }
                case ZoneLookup.NoData n -> {
                    response.getHeader().setFlag(Flags.AA);
                    response.addRecord(negativeSoa(zone), Section.AUTHORITY);
                    return response;
                }
                case ZoneLookup.NxDomain n -> {
                    response.getHeader().setFlag(Flags.AA);
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    response.addRecord(negativeSoa(zone), Section.AUTHORITY);
                    return response;
                }
            }
        }
    }

    /** The SOA for a negative answer, its TTL lowered to the SOA minimum (RFC 2308 section 3). */
    static Record negativeSoa(Zone zone) {
        SOARecord soa = zone.soa();
        return RecordTtl.withTtl(soa, Math.min(soa.getTTL(), soa.getMinimum()));
    }

    /** Addresses of in-zone MX and NS targets (RFC 1035 section 3.3.9 additional section processing). */
    private static void addAdditional(Message response, Zone zone, List<Record> answer) {
        List<Name> targets = new ArrayList<>();
        for (Record r : answer) {
            if (r instanceof MXRecord || r.getType() == Type.NS) {
                targets.add(r.getAdditionalName());
            }
        }
        for (Name t : targets) {
            if (t != null && t.subdomain(zone.origin())) {
                ZoneLookup l = zone.lookup(t, Type.A);
                if (l instanceof ZoneLookup.Referral) {
                    continue; // below a cut: not ours to give
                }
                zone.rrset(t, Type.A).forEach(r -> response.addRecord(r, Section.ADDITIONAL));
                zone.rrset(t, Type.AAAA).forEach(r -> response.addRecord(r, Section.ADDITIONAL));
            }
        }
    }
}
