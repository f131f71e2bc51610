package dev.roundtrip.dns.zone;

import java.util.Arrays;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Copies a record with another TTL, keeping its rdata byte for byte (names keep their case):
 * caches serve records with decremented TTLs, and zones make an RRset's TTLs equal.
 */
public final class RecordTtl {
    private RecordTtl() {}

    /** {@code record} with {@code ttl} seconds to live. */
    public static Record withTtl(Record record, long ttl) {
        if (record.getTTL() == ttl) {
            return record;
        }
        return Record.newRecord(record.getName(), record.getType(), record.getDClass(), ttl, rdata(record));
    }

    /** The record's rdata, uncompressed, as it goes on the wire. */
    public static byte[] rdata(Record record) {
        // toWire(section) writes owner, type(2), class(2), ttl(4), rdlength(2), rdata, uncompressed.
        byte[] wire = record.toWire(Section.ANSWER);
        int at = record.getName().length() + 8;
        int rdlength = ((wire[at] & 0xff) << 8) | (wire[at + 1] & 0xff);
        return Arrays.copyOfRange(wire, at + 2, at + 2 + rdlength);
    }
}
