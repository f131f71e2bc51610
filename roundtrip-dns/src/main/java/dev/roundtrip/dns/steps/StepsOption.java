package dev.roundtrip.dns.steps;

import dev.roundtrip.core.timeline.DnsStep;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * The EDNS0 option with which a client asks roundtrip's recursive resolver how it found an answer,
 * and the resolver reports it: a cache hit, or each upstream query (server, zone, question, outcome,
 * RTT). The code {@value #CODE} lies in the range RFC 6891 section 9 reserves for local and
 * experimental use, so other resolvers ignore it and answer normally.
 *
 * <p>In a query the option is empty. In a response its data is: version (1 byte, = 1), step count
 * (1 byte), then per step: source (1 byte: 0 stub cache, 1 resolver cache, 2 query), RTT in
 * microseconds (4 bytes, unsigned), and four strings (server, zone, question, outcome), each one
 * byte of length and that many bytes of UTF-8.
 */
public final class StepsOption {
    /** The option code: local/experimental range 65001-65534. */
    public static final int CODE = 65001;
    /** At most this many steps are reported (a resolution has far fewer unless it loops). */
    public static final int MAX_STEPS = 64;
    private static final int VERSION = 1;

    private StepsOption() {}

    /** The (empty) option a client adds to its query to ask for the steps. */
    public static EDNSOption request() {
        return new GenericEDNSOption(CODE, new byte[0]);
    }

    /** The option a resolver adds to its response. */
    public static EDNSOption response(List<DnsStep> steps) {
        return new GenericEDNSOption(CODE, encode(steps));
    }

    /** Encodes steps; strings longer than 255 bytes are cut. */
    public static byte[] encode(List<DnsStep> steps) {
        List<DnsStep> reported = steps.size() > MAX_STEPS ? steps.subList(0, MAX_STEPS) : steps;
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + reported.size() * 64);
        out.write(VERSION);
        out.write(reported.size());
        for (DnsStep s : reported) {
            out.write(s.source().ordinal());
            long micros = Math.min(0xffff_ffffL, Math.max(0, s.rttNanos() / 1_000));
            out.write((int) (micros >>> 24));
            out.write((int) (micros >>> 16));
            out.write((int) (micros >>> 8));
            out.write((int) micros);
            writeString(out, s.server());
            writeString(out, s.zone());
            writeString(out, s.question());
            writeString(out, s.outcome());
        }
        return out.toByteArray();
    }

    /**
     * Decodes the option's data.
     *
     * @throws IllegalArgumentException naming the defect when the data is malformed
     */
    public static List<DnsStep> decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("steps option version " + version + ", expected " + VERSION);
            }
            int count = in.get() & 0xff;
            List<DnsStep> steps = new ArrayList<>(count);
            DnsStep.Source[] sources = DnsStep.Source.values();
            for (int i = 0; i < count; i++) {
                int source = in.get() & 0xff;
                if (source >= sources.length) {
                    throw new IllegalArgumentException("steps option: unknown source " + source);
                }
                long micros = in.getInt() & 0xffff_ffffL;
                String server = readString(in);
                String zone = readString(in);
                String question = readString(in);
                String outcome = readString(in);
                steps.add(new DnsStep(sources[source], server, zone, question, outcome, micros * 1_000));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("steps option: " + in.remaining() + " bytes left over");
            }
            return steps;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("steps option: truncated", e);
        }
    }

    /** The steps a response reports, if it carries the option; empty if not or if malformed. */
    public static Optional<List<DnsStep>> find(Message response) {
        OPTRecord opt = response.getOPT();
        if (opt == null) {
            return Optional.empty();
        }
        for (EDNSOption o : opt.getOptions(CODE)) {
            byte[] wire = o.toWire(); // code(2) length(2) data
            try {
                return Optional.of(decode(Arrays.copyOfRange(wire, 4, wire.length)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(255, b.length);
        out.write(n);
        out.write(b, 0, n);
    }

    private static String readString(ByteBuffer in) {
        int n = in.get() & 0xff;
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
