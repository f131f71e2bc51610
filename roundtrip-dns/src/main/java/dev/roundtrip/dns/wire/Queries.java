package dev.roundtrip.dns.wire;

import dev.roundtrip.dns.transport.DnsClient;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builds the queries roundtrip's clients send: a random ID, one question, EDNS0 with our payload size. */
public final class Queries {
    private Queries() {}

    /**
     * A standard query for {@code name}/{@code type} with a fresh random ID.
     *
     * @param recursionDesired the RD flag: true from stubs, false from the iterative resolver
     * @param options EDNS options to send (an OPT record is always added)
     */
    public static Message newQuery(Name name, int type, boolean recursionDesired, EDNSOption... options) {
        Header h = new Header(DnsClient.newId());
        if (recursionDesired) {
            h.setFlag(Flags.RD);
        }
        Message m = new Message();
        m.setHeader(h);
        m.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
        m.addRecord(new OPTRecord(QueryDecoder.SERVER_PAYLOAD, 0, 0, 0, options), Section.ADDITIONAL);
        return m;
    }

    /** The same query with a new random ID (each retry is a new guess for a spoofer). */
    public static Message withNewId(Message query) {
        Message copy = query.clone();
        copy.getHeader().setID(DnsClient.newId());
        return copy;
    }
}
