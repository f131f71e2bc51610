package dev.roundtrip.dns.wire;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns the bytes of an incoming query into a {@link ParsedQuery}: the one place where servers meet
 * untrusted bytes. Every defect becomes the protocol's own answer (RFC 1035 section 4.1.1 FORMERR and
 * NOTIMP, RFC 6891 section 6.1.3 BADVERS) or a silent drop; nothing here throws.
 */
public final class QueryDecoder {
    /** The EDNS payload size roundtrip's servers advertise (the DNS Flag Day 2020 value). */
    public static final int SERVER_PAYLOAD = 1232;

    private QueryDecoder() {}

    public static ParsedQuery decode(byte[] wire) {
        if (wire.length < Header.LENGTH) {
            return new ParsedQuery.Drop("datagram of " + wire.length + " bytes has no DNS header");
        }
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        int flags = ((wire[2] & 0xff) << 8) | (wire[3] & 0xff);
        if ((flags & 0x8000) != 0) {
            return new ParsedQuery.Drop("a response (QR=1) sent to a server");
        }
        int opcode = (flags >> 11) & 0xf;
        boolean rd = (flags & 0x0100) != 0;
        if (opcode != Opcode.QUERY) {
            return new ParsedQuery.Error(Responses.bare(id, opcode, rd, Rcode.NOTIMP), "opcode " + Opcode.string(opcode) + " not implemented");
        }
        Message message;
        try {
            message = new Message(wire);
        } catch (IOException | RuntimeException e) {
            return new ParsedQuery.Error(Responses.bare(id, opcode, rd, Rcode.FORMERR), "malformed: " + e.getMessage());
        }
        Header header = message.getHeader();
        if (header.getCount(Section.QUESTION) != 1) {
            return new ParsedQuery.Error(Responses.bare(id, opcode, rd, Rcode.FORMERR),
                    header.getCount(Section.QUESTION) + " questions (exactly 1 is allowed)");
        }
        Record question = message.getQuestion();
        int qtype = question.getType();
        if (qtype == Type.OPT || qtype == Type.TSIG || qtype == Type.TKEY) {
            return new ParsedQuery.Error(Responses.echo(message, Rcode.FORMERR), "meta type " + Type.string(qtype) + " as a question");
        }
        OPTRecord opt = null;
        for (Record r : message.getSection(Section.ADDITIONAL)) {
            if (r instanceof OPTRecord o) {
                if (opt != null) {
                    return new ParsedQuery.Error(Responses.echo(message, Rcode.FORMERR), "more than one OPT record (RFC 6891 section 6.1.1)");
                }
                if (!o.getName().equals(org.xbill.DNS.Name.root)) {
                    return new ParsedQuery.Error(Responses.echo(message, Rcode.FORMERR), "OPT record not owned by the root");
                }
                opt = o;
            }
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (Record r : message.getSection(section)) {
                if (r instanceof OPTRecord) {
                    return new ParsedQuery.Error(Responses.echo(message, Rcode.FORMERR), "OPT record outside the additional section");
                }
            }
        }
        if (opt != null && opt.getVersion() > 0) {
            return new ParsedQuery.Error(Responses.badVersion(message), "EDNS version " + opt.getVersion());
        }
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return new ParsedQuery.Error(Responses.echo(message, Rcode.REFUSED), "class " + DClass.string(question.getDClass()));
        }
        int payload = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
        List<org.xbill.DNS.EDNSOption> options = opt == null ? List.of() : opt.getOptions();
        return new ParsedQuery.Query(message, question, opt != null, payload, options);
    }
}
