package dev.roundtrip.dns.dig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.timeline.DnsStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Prints what {@link Dig} found the way dig does (header, flags, sections, query time, server,
 * size), or only the answers' data ({@code +short}), or as JSON ({@code --json}). Pure: strings in,
 * strings out.
 */
public final class DigFormatter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DigFormatter() {}

    /** dig's full output. {@code commandLine} is echoed in the first line as dig does. */
    public static String text(DigRequest request, DigResult result, String commandLine) {
        StringBuilder out = new StringBuilder();
        out.append("; <<>> roundtrip dig <<>> ").append(commandLine).append('\n');
        if (request.trace()) {
            for (DigResult.Exchange e : result.exchanges()) {
                Message m = e.response();
                boolean last = e == result.last();
                if (last) {
                    appendSection(out, m, Section.ANSWER);
                }
                appendSection(out, m, Section.AUTHORITY); // a referral's NS set, or the SOA of a negative answer
                out.append(";; Received ").append(e.responseBytes()).append(" bytes from ").append(server(e))
                        .append(e.zone().isEmpty() ? "" : " [zone " + e.zone() + "]")
                        .append(" in ").append(millis(e.rttNanos())).append(" ms").append("\n\n");
            }
            return out.toString();
        }
        DigResult.Exchange e = result.last();
        Message m = e.response();
        out.append(";; global options: +cmd\n;; Got answer:\n");
        out.append(";; ->>HEADER<<- opcode: ").append(Opcode.string(m.getHeader().getOpcode()))
                .append(", status: ").append(Rcode.string(m.getRcode()))
                .append(", id: ").append(m.getHeader().getID()).append('\n');
        out.append(";; flags: ").append(flags(m)).append("; QUERY: ").append(m.getHeader().getCount(Section.QUESTION))
                .append(", ANSWER: ").append(m.getHeader().getCount(Section.ANSWER))
                .append(", AUTHORITY: ").append(m.getHeader().getCount(Section.AUTHORITY))
                .append(", ADDITIONAL: ").append(m.getHeader().getCount(Section.ADDITIONAL)).append('\n');
        if (request.recurse() && !m.getHeader().getFlag(Flags.RA)) {
            out.append(";; WARNING: recursion requested but not available\n");
        }
        OPTRecord opt = m.getOPT();
        if (opt != null) {
            out.append("\n;; OPT PSEUDOSECTION:\n; EDNS: version: ").append(opt.getVersion())
                    .append(", flags:").append((opt.getFlags() & 0x8000) != 0 ? " do" : "").append("; udp: ")
                    .append(opt.getPayloadSize()).append('\n');
            for (var option : opt.getOptions()) {
                if (option.getCode() != dev.roundtrip.dns.steps.StepsOption.CODE) {
                    out.append("; ").append(option).append('\n');
                }
            }
        }
        out.append("\n;; QUESTION SECTION:\n");
        for (Record q : m.getSection(Section.QUESTION)) {
            out.append(';').append(q.getName()).append("\t\t").append(DClass.string(q.getDClass())).append('\t')
                    .append(Type.string(q.getType())).append('\n');
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            if (hasRecords(m, section)) {
                out.append('\n');
                out.append(";; ").append(sectionName(section)).append(" SECTION:\n");
                appendSection(out, m, section);
            }
        }
        if (result.steps() != null) {
            out.append('\n').append(steps(result.steps()));
        } else if (request.explain()) {
            out.append("\n;; +explain: the server did not report its steps (not a roundtrip resolver?)\n");
        }
        out.append('\n');
        out.append(";; Query time: ").append(millis(e.rttNanos())).append(" msec\n");
        out.append(";; SERVER: ").append(server(e)).append(" (").append(e.tcp() ? "TCP" : "UDP").append(")\n");
        out.append(";; MSG SIZE  rcvd: ").append(e.responseBytes()).append('\n');
        return out.toString();
    }

    /** The resolver's steps, one line each, as +explain prints them. */
    public static String steps(List<DnsStep> steps) {
        StringBuilder out = new StringBuilder(";; RESOLVER STEPS:\n");
        int i = 1;
        for (DnsStep s : steps) {
            String source = switch (s.source()) {
                case STUB_CACHE -> "stub cache";
                case RESOLVER_CACHE -> "cache";
                case QUERY -> "query";
            };
            out.append(String.format(Locale.ROOT, ";; %2d. %-6s %-22s %-14s %-28s %-30s %s%n", i++, source,
                    s.server().isEmpty() ? "-" : s.server(), s.zone().isEmpty() ? "-" : s.zone(), s.question(), s.outcome(),
                    s.source() == DnsStep.Source.QUERY ? millisText(s.rttNanos()) + " ms" : ""));
        }
        return out.toString();
    }

    /** {@code +short}: the rdata of the answer section, one per line. */
    public static String shortText(DigResult result) {
        StringBuilder out = new StringBuilder();
        for (Record r : result.last().response().getSection(Section.ANSWER)) {
            out.append(r.rdataToString()).append('\n');
        }
        return out.toString();
    }

    /** {@code --json}: every exchange with header, sections and timing, and the steps. */
    public static String json(DigRequest request, DigResult result) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> question = new LinkedHashMap<>();
        question.put("name", request.name().toString());
        question.put("type", Type.string(request.type()));
        root.put("question", question);
        List<Object> exchanges = new ArrayList<>();
        for (DigResult.Exchange e : result.exchanges()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("server", HostPort.format(e.server()));
            if (!e.serverName().isEmpty()) {
                x.put("serverName", e.serverName());
            }
            if (!e.zone().isEmpty()) {
                x.put("zone", e.zone());
            }
            x.put("protocol", e.tcp() ? "tcp" : "udp");
            x.put("rttMillis", e.rttNanos() / 1e6);
            x.put("responseBytes", e.responseBytes());
            Message m = e.response();
            x.put("id", m.getHeader().getID());
            x.put("rcode", Rcode.string(m.getRcode()));
            x.put("flags", List.of(flags(m).split(" ")));
            x.put("answer", records(m, Section.ANSWER));
            x.put("authority", records(m, Section.AUTHORITY));
            x.put("additional", records(m, Section.ADDITIONAL));
            exchanges.add(x);
        }
        root.put("exchanges", exchanges);
        if (result.steps() != null) {
            List<Object> steps = new ArrayList<>();
            for (DnsStep s : result.steps()) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("source", s.source().name());
                st.put("server", s.server());
                st.put("zone", s.zone());
                st.put("question", s.question());
                st.put("outcome", s.outcome());
                st.put("rttMillis", s.rttNanos() / 1e6);
                steps.add(st);
            }
            root.put("steps", steps);
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> records(Message m, int section) {
        List<Object> out = new ArrayList<>();
        for (Record r : m.getSection(section)) {
            if (r instanceof OPTRecord) {
                continue;
            }
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("name", r.getName().toString());
            rec.put("ttl", r.getTTL());
            rec.put("class", DClass.string(r.getDClass()));
            rec.put("type", Type.string(r.getType()));
            rec.put("data", r.rdataToString());
            out.add(rec);
        }
        return out;
    }

    private static boolean hasRecords(Message m, int section) {
        for (Record r : m.getSection(section)) {
            if (!(r instanceof OPTRecord)) {
                return true;
            }
        }
        return false;
    }

    private static void appendSection(StringBuilder out, Message m, int section) {
        for (Record r : m.getSection(section)) {
            if (!(r instanceof OPTRecord)) {
                out.append(r).append('\n');
            }
        }
    }

    private static String sectionName(int section) {
        return switch (section) {
            case Section.ANSWER -> "ANSWER";
            case Section.AUTHORITY -> "AUTHORITY";
            default -> "ADDITIONAL";
        };
    }

    static String flags(Message m) {
        List<String> f = new ArrayList<>();
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            if (m.getHeader().getFlag(flag)) {
                f.add(Flags.string(flag));
            }
        }
        return String.join(" ", f);
    }

    private static String server(DigResult.Exchange e) {
        String host = e.server().getAddress().getHostAddress();
        return host + "#" + e.server().getPort() + "(" + (e.serverName().isEmpty() ? host : e.serverName()) + ")";
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static String millisText(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
