package dev.roundtrip.dns.recursive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Decides what an upstream response means for the question asked of a server believed
 * authoritative for {@code zone} (RFC 1034 section 5.3.3, step 4): an answer, a CNAME to follow, a
 * referral closer to the name, NXDOMAIN or NODATA, or a lame/bogus response. Pure: no I/O, no cache.
 *
 * <p>Bailiwick rule (RFC 5452 section 6, RFC 2181 section 5.4.1): only records at or below
 * {@code zone} are kept, and of those only the ones on the path to the answer: the CNAME chain from
 * the question, NS records of a delegation between the zone and the name, and addresses of those
 * name servers. Everything else in the response is dropped, so it is never cached.
 */
public final class ResponseClassifier {
    private ResponseClassifier() {}

    /** What a response means. */
    public sealed interface Classification {}

    /** The RRset asked for, reached through {@code cnames} (possibly empty), all in bailiwick. */
    public record Answer(List<Record> cnames, List<Record> rrset) implements Classification {}

    /** The name is an alias whose target the server did not answer: follow {@code target}. */
    public record Cname(List<Record> cnames, Name target) implements Classification {}

    /** A delegation to {@code child}, a zone below the one asked, with in-bailiwick glue. */
    public record Referral(Name child, List<Record> ns, List<Record> glue) implements Classification {}

    /** The name (at the end of {@code cnames}) does not exist; {@code soa} proves it, or is null. */
    public record NxDomain(List<Record> cnames, Name name, SOARecord soa) implements Classification {}

    /** The name exists without the type; {@code soa} proves it, or is null. */
    public record NoData(List<Record> cnames, Name name, SOARecord soa) implements Classification {}

    /** Useless: an error rcode, an upward referral, or an answer out of bailiwick. Try another server. */
    public record Lame(String reason) implements Classification {}

    public static Classification classify(Message response, Name zone, Name qname, int qtype) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Lame(Rcode.string(rcode));
        }
        // Follow the chain from qname through in-bailiwick CNAMEs in the answer section.
        Map<Name, Record> cnameByOwner = new LinkedHashMap<>();
        Map<Name, List<Record>> wanted = new LinkedHashMap<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (!r.getName().subdomain(zone)) {
                continue; // out of bailiwick
            }
            if (r instanceof CNAMERecord && qtype != Type.CNAME) {
                cnameByOwner.putIfAbsent(r.getName(), r);
            } else if (r.getType() == qtype || qtype == Type.ANY) {
                wanted.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
            }
        }
        List<Record> chain = new ArrayList<>();
        Name current = qname;
        Set<Name> seen = new HashSet<>();
        while (cnameByOwner.containsKey(current) && seen.add(current)) {
            CNAMERecord c = (CNAMERecord) cnameByOwner.get(current);
            chain.add(c);
            current = c.getTarget();
        }
        List<Record> rrset = wanted.get(current);
        if (rrset != null) {
            return new Answer(chain, rrset);
        }
        SOARecord soa = negativeSoa(response, zone, current);
        if (rcode == Rcode.NXDOMAIN) {
            if (!response.getHeader().getFlag(Flags.AA)) {
                return new Lame("NXDOMAIN without AA");
            }
            return new NxDomain(chain, current, soa);
        }
        if (!chain.isEmpty() && soa == null && !current.subdomain(zone)) {
            return new Cname(chain, current); // target in another zone: resolve it from the top
        }
        Referral referral = referral(response, zone, current);
        if (referral != null) {
            if (!chain.isEmpty()) {
                return new Cname(chain, current); // the CNAME's target is delegated: follow it afresh
            }
            return referral;
        }
        if (!chain.isEmpty() && soa == null) {
            return new Cname(chain, current);
        }
        if (soa != null || response.getHeader().getFlag(Flags.AA)) {
            return new NoData(chain, current, soa);
        }
        return new Lame("no answer, no referral and no SOA");
    }

    /** A delegation in the authority section to a zone strictly below {@code zone} containing {@code name}. */
    static Referral referral(Message response, Name zone, Name name) {
        Name child = null;
        List<Record> ns = new ArrayList<>();
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof NSRecord) {
                Name owner = r.getName();
                boolean below = owner.subdomain(zone) && !owner.equals(zone) && name.subdomain(owner);
                if (!below) {
                    continue; // upward or sideways referrals are ignored (lame)
                }
                if (child == null) {
                    child = owner;
                }
                if (owner.equals(child)) {
                    ns.add(r);
                }
            }
        }
        if (child == null) {
            return null;
        }
        Set<Name> targets = new HashSet<>();
        for (Record r : ns) {
            targets.add(((NSRecord) r).getTarget());
        }
        List<Record> glue = new ArrayList<>();
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if ((r.getType() == Type.A || r.getType() == Type.AAAA) && targets.contains(r.getName()) && r.getName().subdomain(zone)) {
                glue.add(r);
            }
        }
        return new Referral(child, ns, glue);
    }

    private static SOARecord negativeSoa(Message response, Name zone, Name name) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa && soa.getName().subdomain(zone) && name.subdomain(soa.getName())) {
                return soa;
            }
        }
        return null;
    }

    /** Splits records into RRsets (same owner and type), in first-seen order. */
    public static List<List<Record>> rrsets(List<Record> records) {
        Map<String, List<Record>> sets = new LinkedHashMap<>();
        for (Record r : records) {
            sets.computeIfAbsent(r.getName().toString().toLowerCase(java.util.Locale.ROOT) + "/" + r.getType(),
                    k -> new ArrayList<>()).add(r);
        }
        return new ArrayList<>(sets.values());
    }
}
