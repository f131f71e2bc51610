package dev.roundtrip.dns.wire;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Builds responses the way every roundtrip server shapes them: same ID, opcode and RD as the query,
 * the question echoed, an OPT record when the client used EDNS, and the size rules of RFC 1035
 * section 4.2.1 and RFC 6891 section 7 (TC=1 when the answer does not fit the client's payload).
 */
public final class Responses {
    private Responses() {}

    /** An empty response to {@code query}: QR=1, same ID/opcode/RD, the question, and OPT if the query had one. */
    public static Message responseTo(ParsedQuery.Query query) {
        Message request = query.message();
        Header h = new Header(request.getHeader().getID());
        h.setFlag(Flags.QR);
        h.setOpcode(request.getHeader().getOpcode());
        if (request.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (request.getHeader().getFlag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        Message response = new Message();
        response.setHeader(h);
        response.addRecord(query.question(), Section.QUESTION);
        return response;
    }

    /** The OPT record a server returns: its payload size, DO copied (RFC 3225), and {@code options}. */
    public static OPTRecord serverOpt(ParsedQuery.Query query, EDNSOption... options) {
        int doFlag = query.message().getOPT() == null ? 0 : query.message().getOPT().getFlags() & 0x8000;
        return new OPTRecord(QueryDecoder.SERVER_PAYLOAD, 0, 0, doFlag, options);
    }

    /**
     * Encodes {@code response} for {@code protocol}: on UDP, when it exceeds the client's payload it
     * first loses its additional section (no TC needed: RFC 2181 section 9), and if still too big
     * becomes an empty TC=1 response that tells the client to retry over TCP.
     */
    public static byte[] encode(Message response, ParsedQuery.Query query, boolean udp) {
        if (query.edns() && response.getOPT() == null) {
            response.addRecord(serverOpt(query), Section.ADDITIONAL);
        }
        byte[] wire = response.toWire();
        if (!udp || wire.length <= query.udpPayload()) {
            return wire;
        }
        OPTRecord opt = response.getOPT();
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (!(r instanceof OPTRecord)) {
                response.removeRecord(r, Section.ADDITIONAL);
            }
        }
        wire = response.toWire();
        if (wire.length <= query.udpPayload()) {
            return wire;
        }
        response.removeAllRecords(Section.ANSWER);
        response.removeAllRecords(Section.AUTHORITY);
        response.removeAllRecords(Section.ADDITIONAL);
        if (opt != null) {
            response.addRecord(opt, Section.ADDITIONAL);
        }
        response.getHeader().setFlag(Flags.TC);
        wire = response.toWire();
        if (wire.length > query.udpPayload() && opt != null) {
            // A huge EDNS option (such as the steps report) still does not fit: drop it, keep TC.
            response.removeAllRecords(Section.ADDITIONAL);
            response.addRecord(serverOpt(query), Section.ADDITIONAL);
            wire = response.toWire();
        }
        return wire;
    }

    /** An error response to a parsed message: its header and question, the rcode, OPT if it used EDNS. */
    public static byte[] echo(Message request, int rcode) {
        Header h = new Header(request.getHeader().getID());
        h.setFlag(Flags.QR);
        h.setOpcode(request.getHeader().getOpcode());
        if (request.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode);
        Message response = new Message();
        response.setHeader(h);
        Record q = request.getQuestion();
        if (q != null) {
            response.addRecord(q, Section.QUESTION);
        }
        if (request.getOPT() != null) {
            response.addRecord(new OPTRecord(QueryDecoder.SERVER_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return response.toWire();
    }

    /** A header-only response for messages too broken to echo: just ID, opcode, RD and the rcode. */
    public static byte[] bare(int id, int opcode, boolean rd, int rcode) {
        byte[] wire = new byte[Header.LENGTH];
        wire[0] = (byte) (id >> 8);
        wire[1] = (byte) id;
        int flags = 0x8000 | (opcode & 0xf) << 11 | (rd ? 0x0100 : 0) | (rcode & 0xf);
        wire[2] = (byte) (flags >> 8);
        wire[3] = (byte) flags;
        return wire;
    }

    /** BADVERS (RFC 6891 section 6.1.3): rcode 16, whose upper bits travel in the OPT record. */
    public static byte[] badVersion(Message request) {
        Header h = new Header(request.getHeader().getID());
        h.setFlag(Flags.QR);
        h.setOpcode(request.getHeader().getOpcode());
        Message response = new Message();
        response.setHeader(h);
        if (request.getQuestion() != null) {
            response.addRecord(request.getQuestion(), Section.QUESTION);
        }
        response.addRecord(new OPTRecord(QueryDecoder.SERVER_PAYLOAD, Rcode.BADVERS >>> 4, 0), Section.ADDITIONAL);
        return response.toWire();
    }
}
