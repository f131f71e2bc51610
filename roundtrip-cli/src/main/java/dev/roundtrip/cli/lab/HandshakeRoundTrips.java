package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The handshakes experiment's theory and arithmetic, without a lab: how many round trips each
 * protocol needs before the first byte of a response on a cold connection, what a traced request
 * measured (first byte minus the servers' own time, in round trips), medians per protocol, and
 * when the balancer received a request according to its access log.
 *
 * <p>The theory, with no DNS (the client connects to an address): TCP's handshake is 1 RTT, TLS
 * 1.3's is 1 more, then the request and its response 1: 3 RTT for HTTP/1.1 and HTTP/2 (ALPN picks
 * the protocol inside the TLS handshake; a resumed TLS session skips the certificate, not a round
 * trip). QUIC does transport and TLS 1.3 in one handshake: 2 RTT for HTTP/3. On a second
 * connection the client resumes the session and sends its GET as 0-RTT early data in the first
 * flight, beside the ClientHello: 1 RTT.
 */
final class HandshakeRoundTrips {
    /** A way of opening a connection and asking for the first byte. */
    enum Kind {
        HTTP_1_1("HTTP/1.1", "1.1", 3, "TCP 1 + TLS 1.3 1 + request 1"),
        HTTP_2("HTTP/2", "2", 3, "TCP 1 + TLS 1.3 1 (ALPN h2 inside it) + request 1"),
        HTTP_2_RESUMED("HTTP/2, TLS resumed", "2", 3, "TCP 1 + TLS 1.3 with a ticket 1 + request 1"),
        HTTP_3("HTTP/3", "3", 2, "QUIC (transport + TLS 1.3 at once) 1 + request 1"),
        HTTP_3_0RTT("HTTP/3, 0-RTT", "3", 1, "request in the first flight, beside the ClientHello");

        final String label;
        final String http;
        final int theory;
        final String how;

        Kind(String label, String http, int theory, String how) {
            this.label = label;
            this.http = http;
            this.theory = theory;
            this.how = how;
        }
    }

    /**
     * One traced request.
     *
     * @param firstByteMs from the call's start to the response's first byte (curl's time_starttransfer)
     * @param serverMs the balancer's own time (Server-Timing lb, which contains the app's)
     * @param handshakeEndMs when the TLS or QUIC handshake ended, from the call's start
     * @param sendStartMs when the request started to leave, from the call's start
     * @param earlyData the trace's early_data (not_sent, accepted, rejected, too_early)
     * @param resumed whether TLS resumed a session
     * @param balancerArrivalMs when the balancer received the request, from the call's start, per its access log; NaN when unknown
     */
    record Sample(Kind kind, int run, double firstByteMs, double serverMs, double handshakeEndMs, double sendStartMs,
                  String earlyData, boolean resumed, double balancerArrivalMs) {
        double roundTrips(double rttMs) {
            return (firstByteMs - serverMs) / rttMs;
        }
    }

    /**
     * Medians of one kind's samples; the last three in round trips from the connection's start
     * (NaN when unknown).
     */
    record Row(Kind kind, int samples, double firstByteMs, double serverMs, double roundTrips, double minRoundTrips,
               double handshakeEndRtt, double sendStartRtt, double balancerArrivalRtt) {}

    private HandshakeRoundTrips() {}

    /** The sample of one run of a trace's JSON ({@code runs[i]}). */
    static Sample sample(Kind kind, int run, JsonNode traceRun, double balancerArrivalMs) {
        double handshakeEnd = phaseEnd(traceRun, "quic").orElse(phaseEnd(traceRun, "tls").orElse(Double.NaN));
        double sendStart = phaseStart(traceRun, "request").orElse(Double.NaN);
        return new Sample(kind, run, traceRun.path("time_starttransfer").asDouble() * 1000, RoundTrips.serverMs(traceRun),
                handshakeEnd, sendStart, traceRun.path("early_data").asText("not_sent"), traceRun.path("tls").path("resumed").asBoolean(false),
                balancerArrivalMs);
    }

    private static OptionalDouble phaseStart(JsonNode run, String name) {
        for (JsonNode p : run.path("phases")) {
            if (p.path("name").asText().equals(name) && p.path("happened").asBoolean()) {
                return OptionalDouble.of(p.path("start_ms").asDouble());
            }
        }
        return OptionalDouble.empty();
    }

    private static OptionalDouble phaseEnd(JsonNode run, String name) {
        for (JsonNode p : run.path("phases")) {
            if (p.path("name").asText().equals(name) && p.path("happened").asBoolean()) {
                return OptionalDouble.of(p.path("start_ms").asDouble() + p.path("duration_ms").asDouble());
            }
        }
        return OptionalDouble.empty();
    }

    /** One row per kind that has samples, in the order of {@link Kind}. */
    static List<Row> rows(List<Sample> samples, double rttMs) {
        List<Row> rows = new ArrayList<>();
        for (Kind k : Kind.values()) {
            List<Sample> of = samples.stream().filter(s -> s.kind() == k).toList();
            if (of.isEmpty()) {
                continue;
            }
            rows.add(new Row(k, of.size(), median(of.stream().mapToDouble(Sample::firstByteMs).toArray()),
                    median(of.stream().mapToDouble(Sample::serverMs).toArray()),
                    median(of.stream().mapToDouble(s -> s.roundTrips(rttMs)).toArray()),
                    of.stream().mapToDouble(s -> s.firstByteMs() / rttMs).min().orElse(Double.NaN),
                    median(of.stream().mapToDouble(s -> s.handshakeEndMs() / rttMs).toArray()),
                    median(of.stream().mapToDouble(s -> s.sendStartMs() / rttMs).toArray()),
                    median(of.stream().mapToDouble(s -> s.balancerArrivalMs() / rttMs).toArray())));
        }
        return rows;
    }

    /** The median (mean of the middle two for an even count); NaN for none. NaN values are left out. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static final Pattern ACCESS = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .* lb_ms=([0-9.]+) .*traceparent=(\\S+)");

    /**
     * When the balancer received each request carrying {@code traceparent}, in the order it logged
     * them: the access line's time (when the response was done, to the millisecond) minus its
     * {@code lb_ms}. The log has times of day only; each is put on the date that brings it
     * closest to {@code near}.
     */
    static List<Instant> balancerArrivals(List<String> logLines, String traceparent, Instant near, ZoneId zone) {
        List<Instant> out = new ArrayList<>();
        for (String line : logLines) {
            Matcher m = ACCESS.matcher(line);
            if (!m.find() || !m.group(3).equals(traceparent)) {
                continue;
            }
            LocalTime time = LocalTime.parse(m.group(1));
            LocalDate day = near.atZone(zone).toLocalDate();
            Instant best = null;
            for (int d = -1; d <= 1; d++) {
                Instant candidate = ZonedDateTime.of(day.plusDays(d), time, zone).toInstant();
                if (best == null || Math.abs(candidate.toEpochMilli() - near.toEpochMilli()) < Math.abs(best.toEpochMilli() - near.toEpochMilli())) {
                    best = candidate;
                }
            }
            long lbMicros = Math.round(Double.parseDouble(m.group(2)) * 1000);
            out.add(best.minusNanos(lbMicros * 1000));
        }
        return out;
    }

    /** The table. */
    static void print(PrintWriter out, List<Row> rows, double rttMs) {
        out.printf(Locale.ROOT, "time to first byte on a cold connection, RTT %.1f ms, no DNS (medians; round trips = (first byte - server time) / RTT)%n", rttMs);
        out.printf(Locale.ROOT, "%-22s %4s %12s %10s %12s %7s  %s%n", "protocol", "runs", "first byte", "server", "round trips", "theory", "theory counts");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-22s %4d %9.1f ms %7.1f ms %12.2f %7d  %s%n", r.kind().label, r.samples(), r.firstByteMs(), r.serverMs(),
                    r.roundTrips(), r.kind().theory, r.kind().how);
        }
        out.println();
        out.println("when things happened, in round trips since the connection began (medians):");
        out.printf(Locale.ROOT, "%-22s %16s %14s %18s %12s%n", "protocol", "handshake done", "request left", "at the balancer", "first byte");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-22s %16s %14s %18s %12.2f%n", r.kind().label, rt(r.handshakeEndRtt()), rt(r.sendStartRtt()),
                    rt(r.balancerArrivalRtt()), r.firstByteMs() / rttMs);
        }
        out.println("(the balancer's time is its access-log line minus lb_ms, to the millisecond; the client's handshake is done"
                + " when it has the server's Finished and has sent its own; what exceeds whole round trips is mostly the client's"
                + " own work, a fresh JVM checking the certificate, which the resumed rows skip, and a busy machine's scheduling)");
    }

    private static String rt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * What the cold HTTP/3 samples show when the QUIC handshake took longer than its one round
     * trip: empty when it did not.
     */
    static List<String> http3Findings(List<Sample> samples, double rttMs) {
        List<String> lines = new ArrayList<>();
        double handshake = median(samples.stream().filter(s -> s.kind() == Kind.HTTP_3).mapToDouble(s -> s.handshakeEndMs() / rttMs).toArray());
        if (Double.isNaN(handshake)) {
            return lines;
        }
        if (handshake >= 1.6) {
            lines.add(String.format(Locale.ROOT, "HTTP/3, measured: the cold QUIC handshake took %.2f RTT at the client (theory 1), so the request"
                    + " left a round trip late and the first byte came after about 3 RTT, not 2.", handshake));
            lines.add("  a client that has sent its Finished but is told so only by the server's next packet (HANDSHAKE_DONE) looks like"
                    + " this: Netty 4.2.18 checks a connection's state only when a datagram arrives, which roundtrip's QUIC client"
                    + " corrects (http.h3.HandshakeProgress); a second round trip here means that correction did not apply.");
        } else {
            lines.add(String.format(Locale.ROOT, "HTTP/3, measured: the cold QUIC handshake took %.2f RTT at the client (theory 1: transport and"
                    + " TLS together; the rest is the client checking the certificate).", handshake));
        }
        return lines;
    }

    /**
     * What the 0-RTT samples show, in words: whether the GET went as early data, when it left
     * against when the handshake ended, when the balancer received it, and the verdict on
     * "the 0-RTT request only reaches the balancer after the handshake".
     */
    static List<String> zeroRttFindings(List<Sample> samples, double rttMs) {
        List<Sample> zero = samples.stream().filter(s -> s.kind() == Kind.HTTP_3_0RTT).toList();
        List<String> lines = new ArrayList<>();
        if (zero.isEmpty()) {
            return lines;
        }
        long resumed = zero.stream().filter(Sample::resumed).count();
        long accepted = zero.stream().filter(s -> s.earlyData().equals("accepted")).count();
        long leftEarly = zero.stream().filter(s -> s.sendStartMs() < s.handshakeEndMs()).count();
        double send = median(zero.stream().mapToDouble(Sample::sendStartMs).toArray());
        double handshake = median(zero.stream().mapToDouble(Sample::handshakeEndMs).toArray());
        double arrival = median(zero.stream().mapToDouble(Sample::balancerArrivalMs).toArray());
        double rt = median(zero.stream().mapToDouble(s -> s.roundTrips(rttMs)).toArray());
        lines.add(String.format(Locale.ROOT, "0-RTT, measured on %d second connection%s: %d resumed the TLS session, %d sent the GET as early data"
                + " and had it accepted.", zero.size(), zero.size() == 1 ? "" : "s", resumed, accepted));
        lines.add(String.format(Locale.ROOT, "  the GET left the client %.1f ms after the connection began (median); the QUIC handshake ended at %.1f ms"
                + " (%.2f RTT); %d of %d left before it ended.", send, handshake, handshake / rttMs, leftEarly, zero.size()));
        if (!Double.isNaN(arrival)) {
            lines.add(String.format(Locale.ROOT, "  the balancer received it %.1f ms (%.2f RTT) after the connection began, by its access log:"
                    + " 0.5 RTT is the client's first flight; after the handshake it could not be before 1.5 RTT (the client's Finished).",
                    arrival, arrival / rttMs));
        }
        lines.add(String.format(Locale.ROOT, "  first byte after %.2f round trips of network (theory 1; 2 if the request had waited for the handshake).", rt));
        boolean withFirstFlight = Double.isNaN(arrival) ? rt < 1.5 : arrival / rttMs < 1.0;
        if (withFirstFlight) {
            lines.add("  verdict: as the theory says. The GET travelled in the client's first flight, reached the balancer before the"
                    + " handshake completed, and the answer came back after about one round trip.");
        } else {
            lines.add("  verdict: not as the theory says. The GET reached the balancer only after the handshake (with the client's"
                    + " Finished), so the resumed connection saved the certificate check but no round trip: 2 RTT, like a"
                    + " 1-RTT handshake plus the request. That happens when no 0-RTT packet leaves the client, or when the server"
                    + " reads early data only once the handshake completes (both seen with Netty 4.2.18 before roundtrip's"
                    + " http.h3.HandshakeProgress).");
        }
        return lines;
    }

    /** Everything as one JSON document. */
    static String json(List<Row> rows, List<Sample> samples, double rttMs, List<String> findings) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("experiment", "handshakes");
        root.put("rtt_ms", rttMs);
        ArrayNode protocols = root.putArray("protocols");
        for (Row r : rows) {
            ObjectNode o = protocols.addObject();
            o.put("protocol", r.kind().label);
            o.put("http", r.kind().http);
            o.put("theory_round_trips", r.kind().theory);
            o.put("runs", r.samples());
            o.put("median_first_byte_ms", r.firstByteMs());
            o.put("median_server_ms", r.serverMs());
            o.put("median_round_trips", r.roundTrips());
            o.put("min_first_byte_rtts", r.minRoundTrips());
            putNumber(o, "median_handshake_end_rtts", r.handshakeEndRtt());
            putNumber(o, "median_request_left_rtts", r.sendStartRtt());
            putNumber(o, "median_balancer_arrival_rtts", r.balancerArrivalRtt());
            ArrayNode s = o.putArray("samples");
            for (Sample x : samples) {
                if (x.kind() != r.kind()) {
                    continue;
                }
                ObjectNode j = s.addObject();
                j.put("run", x.run());
                j.put("first_byte_ms", x.firstByteMs());
                j.put("server_ms", x.serverMs());
                j.put("round_trips", x.roundTrips(rttMs));
                putNumber(j, "handshake_end_ms", x.handshakeEndMs());
                putNumber(j, "send_start_ms", x.sendStartMs());
                j.put("early_data", x.earlyData());
                j.put("resumed", x.resumed());
                if (Double.isNaN(x.balancerArrivalMs())) {
                    j.putNull("balancer_arrival_ms");
                } else {
                    j.put("balancer_arrival_ms", x.balancerArrivalMs());
                }
            }
        }
        ArrayNode f = root.putArray("findings");
        findings.forEach(f::add);
        return root.toString();
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
