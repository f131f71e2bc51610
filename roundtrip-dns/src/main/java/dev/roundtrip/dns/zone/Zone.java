package dev.roundtrip.dns.zone;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One authoritative zone held in memory: its records by owner name and type, read-only once built.
 * The authoritative server asks it {@link #lookup} for each question; the answer is a decision
 * ({@link ZoneLookup}) that the server turns into a DNS message.
 *
 * <p>Lookup follows RFC 1034 section 4.3.2: zone cuts (delegations) first, then the exact name
 * (CNAME, the asked type, or no data), then wildcards as RFC 4592 defines them: only the source of
 * synthesis {@code *.<closest encloser>} can match, and only when the name itself does not exist.
 * Empty non-terminals (names that exist only because a name below them does) answer NODATA.
 *
 * <p>Thread-safe: immutable after construction.
 */
public final class Zone {
    private final Name origin;
    private final SOARecord soa;
    private final Map<Name, Map<Integer, List<Record>>> nodes;
    /** Every name that exists: owners and the empty non-terminals above them, up to the origin. */
    private final Set<Name> existing;
    private final int recordCount;

    private Zone(Name origin, SOARecord soa, Map<Name, Map<Integer, List<Record>>> nodes, Set<Name> existing, int recordCount) {
        this.origin = origin;
        this.soa = soa;
        this.nodes = nodes;
        this.existing = existing;
        this.recordCount = recordCount;
    }

    /**
     * Builds a zone from its records, checking what RFC 1035 and RFC 1034 require of a zone.
     *
     * @throws ZoneException naming the zone and the defect: no SOA or more than one, no NS at the
     *     apex, a record outside the zone, a CNAME beside other data, a class other than IN
     */
    public static Zone of(Name origin, List<Record> records) {
        Objects.requireNonNull(origin, "origin");
        if (!origin.isAbsolute()) {
            throw new ZoneException(origin + ": the zone origin must be an absolute name (ending in '.')");
        }
        Map<Name, Map<Integer, List<Record>>> nodes = new HashMap<>();
        SOARecord soa = null;
        int count = 0;
        for (Record r : records) {
            Name owner = r.getName();
            if (!owner.subdomain(origin)) {
                throw new ZoneException(origin + ": record '" + r + "' is outside the zone");
            }
            if (r.getDClass() != DClass.IN) {
                throw new ZoneException(origin + ": record '" + r + "' has class " + DClass.string(r.getDClass()) + ", only IN is served");
            }
            if (r instanceof SOARecord s) {
                if (!owner.equals(origin)) {
                    throw new ZoneException(origin + ": SOA record at '" + owner + "', it belongs at the apex");
                }
                if (soa != null) {
                    throw new ZoneException(origin + ": more than one SOA record");
                }
                soa = s;
            }
            List<Record> rrset = nodes.computeIfAbsent(owner, n -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getType(), t -> new ArrayList<>());
            if (!rrset.contains(r)) {
                rrset.add(r);
                count++;
            }
        }
        if (soa == null) {
            throw new ZoneException(origin + ": no SOA record at the apex");
        }
        Map<Integer, List<Record>> apex = nodes.get(origin);
        if (apex == null || !apex.containsKey(Type.NS)) {
            throw new ZoneException(origin + ": no NS records at the apex");
        }
        Set<Name> existing = new HashSet<>();
        for (Map.Entry<Name, Map<Integer, List<Record>>> node : nodes.entrySet()) {
            Map<Integer, List<Record>> types = node.getValue();
            if (types.containsKey(Type.CNAME) && (types.size() > 1 || types.get(Type.CNAME).size() > 1)) {
                throw new ZoneException(origin + ": '" + node.getKey() + "' has a CNAME and other data (RFC 1034 section 3.6.2)");
            }
            for (Name n = node.getKey(); ; n = parent(n)) {
                if (!existing.add(n) || n.equals(origin)) {
                    break;
                }
            }
            // Make every RRset one TTL (RFC 2181 section 5.2): the lowest wins.
            for (Map.Entry<Integer, List<Record>> e : types.entrySet()) {
                e.setValue(List.copyOf(sameTtl(e.getValue())));
            }
            node.setValue(Collections.unmodifiableMap(types));
        }
        return new Zone(origin, soa, Collections.unmodifiableMap(nodes), Collections.unmodifiableSet(existing), count);
    }

    /** The zone's apex name, e.g. {@code example.com.}. */
    public Name origin() {
        return origin;
    }

    public SOARecord soa() {
        return soa;
    }

    /** How many distinct records the zone holds. */
    public int recordCount() {
        return recordCount;
    }

    /** The RRset at exactly {@code name} and {@code type}, ignoring zone cuts (for glue); empty if none. */
    public List<Record> rrset(Name name, int type) {
        Map<Integer, List<Record>> types = nodes.get(name);
        if (types == null) {
            return List.of();
        }
        return types.getOrDefault(type, List.of());
    }

    /** Every record of the zone (for transfers and tests), apex first. */
    public List<Record> records() {
        List<Record> all = new ArrayList<>(recordCount);
        nodes.get(origin).values().forEach(all::addAll);
        nodes.forEach((name, types) -> {
            if (!name.equals(origin)) {
                types.values().forEach(all::addAll);
            }
        });
        return all;
    }

    /**
     * What the zone says about {@code qname}/{@code qtype}: an answer, a CNAME to follow, a
     * referral, no data, or no such name. {@code qname} must be at or below the origin.
     */
    public ZoneLookup lookup(Name qname, int qtype) {
        if (!qname.subdomain(origin)) {
            throw new IllegalArgumentException(qname + " is not in zone " + origin);
        }
        // Zone cuts: the highest delegation between the apex (exclusive) and qname (inclusive).
        // DS lives on the parent side of a cut (RFC 4035 section 3.1.4.1), so it is answered here.
        int originLabels = origin.labels();
        for (int labels = originLabels + 1; labels <= qname.labels(); labels++) {
            Name candidate = labels == qname.labels() ? qname : new Name(qname, qname.labels() - labels);
            List<Record> ns = rrset(candidate, Type.NS);
            if (!ns.isEmpty() && !(candidate.equals(qname) && qtype == Type.DS)) {
                return new ZoneLookup.Referral(candidate, ns, glueFor(ns));
            }
        }
        Map<Integer, List<Record>> node = nodes.get(qname);
        if (node != null) {
            return answerAt(qname, node, qtype, null);
        }
        if (existing.contains(qname)) {
            return new ZoneLookup.NoData(qname); // an empty non-terminal
        }
        // RFC 4592 section 3.3.1: the closest encloser is the longest existing ancestor; only
        // *.<closest encloser> may synthesise an answer.
        Name encloser = parent(qname);
        while (!existing.contains(encloser)) {
            encloser = parent(encloser);
        }
        Name wildcard = wildcardOf(encloser);
        Map<Integer, List<Record>> wild = wildcard == null ? null : nodes.get(wildcard);
        if (wild != null) {
            return answerAt(qname, wild, qtype, wildcard);
        }
        return new ZoneLookup.NxDomain(qname, encloser);
    }

    private ZoneLookup answerAt(Name qname, Map<Integer, List<Record>> node, int qtype, Name wildcard) {
        List<Record> cname = node.get(Type.CNAME);
        if (cname != null && qtype != Type.CNAME) {
            List<Record> synthesized = synthesize(cname, qname, wildcard);
            return new ZoneLookup.Cname(qname, synthesized, ((CNAMERecord) synthesized.getFirst()).getTarget());
        }
        if (qtype == Type.ANY) {
            List<Record> all = new ArrayList<>();
            node.values().forEach(rrset -> all.addAll(synthesize(rrset, qname, wildcard)));
            return new ZoneLookup.Answer(qname, all);
        }
        List<Record> rrset = node.get(qtype);
        if (rrset == null) {
            return new ZoneLookup.NoData(qname);
        }
        return new ZoneLookup.Answer(qname, synthesize(rrset, qname, wildcard));
    }

    /** Glue: addresses of name servers that lie inside this zone (below the cut or elsewhere in it). */
    private List<Record> glueFor(List<Record> nsRecords) {
        List<Record> glue = new ArrayList<>();
        for (Record r : nsRecords) {
            Name target = ((NSRecord) r).getTarget();
            if (target.subdomain(origin)) {
                glue.addAll(rrset(target, Type.A));
                glue.addAll(rrset(target, Type.AAAA));
            }
        }
        return glue;
    }

    private Name wildcardOf(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    private static List<Record> synthesize(List<Record> rrset, Name qname, Name wildcard) {
        if (wildcard == null) {
            return rrset;
        }
        List<Record> out = new ArrayList<>(rrset.size());
        for (Record r : rrset) {
            out.add(r.withName(qname));
        }
        return out;
    }

    private static List<Record> sameTtl(List<Record> rrset) {
        long min = Long.MAX_VALUE;
        for (Record r : rrset) {
            min = Math.min(min, r.getTTL());
        }
        boolean uniform = true;
        for (Record r : rrset) {
            uniform &= r.getTTL() == min;
        }
        if (uniform) {
            return rrset;
        }
        List<Record> out = new ArrayList<>(rrset.size());
        for (Record r : rrset) {
            out.add(RecordTtl.withTtl(r, min));
        }
        return out;
    }

    static Name parent(Name name) {
        return new Name(name, 1);
    }

    @Override
    public String toString() {
        return "zone " + origin + " (" + recordCount + " records)";
    }
}
