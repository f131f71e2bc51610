package dev.roundtrip.dns.zone;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a {@link Zone} says about one question: the pure decision that the authoritative server
 * turns into a response (RFC 1034 section 4.3.2, RFC 2308, RFC 4592).
 */
public sealed interface ZoneLookup {

    /** The name the lookup was about. */
    Name name();

    /** The asked RRset exists (possibly synthesised from a wildcard): it goes in the answer section. */
    record Answer(Name name, List<Record> records) implements ZoneLookup {}

    /** The name is an alias: {@code cname} goes in the answer, and lookup continues at {@code target}. */
    record Cname(Name name, List<Record> cname, Name target) implements ZoneLookup {}

    /**
     * The name lies at or below a delegation: a referral to {@code cut} with its NS records in the
     * authority section and {@code glue} (in-zone addresses of those servers) in the additional section.
     */
    record Referral(Name name, Name cut, List<Record> ns, List<Record> glue) implements ZoneLookup {
        public Referral(Name cut, List<Record> ns, List<Record> glue) {
            this(cut, cut, ns, glue);
        }
    }

    /** The name exists but has no record of the asked type (NODATA, RFC 2308 section 2.2). */
    record NoData(Name name) implements ZoneLookup {}

    /** The name does not exist (NXDOMAIN, RFC 2308 section 2.1); {@code closestEncloser} does. */
    record NxDomain(Name name, Name closestEncloser) implements ZoneLookup {}
}
