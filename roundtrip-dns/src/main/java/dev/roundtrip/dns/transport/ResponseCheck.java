package dev.roundtrip.dns.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Decides whether a datagram is the answer to a query we sent (RFC 5452 section 9.1): it must come
 * from the address and port we sent to, be a response, carry our ID and repeat our question.
 * Anything else is a stray or a forgery and is ignored, never read further.
 */
public final class ResponseCheck {

    /** Why a datagram was accepted or ignored. */
    public enum Verdict { ACCEPTED, WRONG_SOURCE, MALFORMED, NOT_A_RESPONSE, WRONG_ID, WRONG_QUESTION }

    /** The verdict and, when accepted, the parsed response. */
    public record Result(Verdict verdict, Message response) {}

    private ResponseCheck() {}

    /**
     * @param query the query we sent
     * @param server where we sent it (the real socket address)
     * @param sender where the datagram came from ({@code server} itself for TCP)
     */
    public static Result check(Message query, InetSocketAddress server, InetSocketAddress sender, byte[] wire) {
        if (!sameEndpoint(server, sender)) {
            return new Result(Verdict.WRONG_SOURCE, null);
        }
        if (wire.length < 12) {
            return new Result(Verdict.MALFORMED, null);
        }
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        if (id != query.getHeader().getID()) {
            return new Result(Verdict.WRONG_ID, null); // decided before parsing: forgeries cost nothing
        }
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException | RuntimeException e) {
            return new Result(Verdict.MALFORMED, null);
        }
        if (!response.getHeader().getFlag(Flags.QR)) {
            return new Result(Verdict.NOT_A_RESPONSE, null);
        }
        Record asked = query.getQuestion();
        Record got = response.getQuestion();
        boolean truncatedWithoutQuestion = got == null && response.getHeader().getFlag(Flags.TC);
        if (!truncatedWithoutQuestion && (got == null || !got.getName().equals(asked.getName())
                || got.getType() != asked.getType() || got.getDClass() != asked.getDClass())) {
            return new Result(Verdict.WRONG_QUESTION, null);
        }
        return new Result(Verdict.ACCEPTED, response);
    }

    static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
        return b != null && a.getPort() == b.getPort() && a.getAddress() != null && a.getAddress().equals(b.getAddress());
    }
}
