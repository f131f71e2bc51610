package dev.roundtrip.dns.wire;

import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a server made of the bytes of one incoming query ({@link QueryDecoder}): a query to answer,
 * or the protocol's own reply to a defect. Servers switch over it; none of the cases throws.
 */
public sealed interface ParsedQuery {

    /**
     * A well-formed standard query.
     *
     * @param message the whole message as parsed
     * @param question its only question
     * @param edns whether the client sent an OPT record (RFC 6891)
     * @param udpPayload the largest UDP response the client accepts: its EDNS payload size, or 512
     * @param options the EDNS options the client sent (empty without EDNS)
     */
    record Query(Message message, Record question, boolean edns, int udpPayload, List<EDNSOption> options) implements ParsedQuery {
        public Name name() {
            return question.getName();
        }

        public int type() {
            return question.getType();
        }

        public int id() {
            return message.getHeader().getID();
        }

        public boolean recursionDesired() {
            return message.getHeader().getFlag(org.xbill.DNS.Flags.RD);
        }

        /** Whether the client sent the EDNS option with {@code code}. */
        public boolean hasOption(int code) {
            for (EDNSOption o : options) {
                if (o.getCode() == code) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A defect the server answers with an error code and no further work: FORMERR (malformed),
     * NOTIMP (an opcode we do not implement), REFUSED, or BADVERS (EDNS version above 0).
     *
     * @param response the complete error response, ready to send
     * @param defect what was wrong, for logs and counters
     */
    record Error(byte[] response, String defect) implements ParsedQuery {}

    /**
     * Nothing to answer: fewer than 12 bytes (no header, so no ID to answer to) or a response (QR=1)
     * sent to a server, which must never be answered lest two servers loop.
     */
    record Drop(String defect) implements ParsedQuery {}
}
