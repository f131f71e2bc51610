package dev.roundtrip.dns.recursive;

import dev.roundtrip.core.timeline.DnsStep;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * The result of resolving one question: what the client gets, and how it was found.
 *
 * @param rcode NOERROR, NXDOMAIN or SERVFAIL
 * @param answer the answer section: the CNAME chain, then the RRset
 * @param authority the SOA of a negative answer, else empty
 * @param steps each cache hit and upstream query, in order
 * @param failure why it is SERVFAIL (a limit, no server answered), else empty
 */
public record Outcome(int rcode, List<Record> answer, List<Record> authority, List<DnsStep> steps, String failure) {
    public Outcome {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        steps = List.copyOf(steps);
    }
}
