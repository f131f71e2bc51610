package dev.roundtrip.trace.render;

import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.AltSvcOutcome;
import dev.roundtrip.trace.TraceResult;
import java.net.Inet6Address;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Draws traced requests as a terminal waterfall: one line per phase with its start, its duration
 * and a bar to scale (eighth-block precision), the resolver's steps under DNS, the server's own
 * Server-Timing metrics drawn inside the waiting phase, the TLS facts, and, for phases that did
 * not happen, why not. Colour (ANSI) only when {@link Style#colour()} says so, e.g. on a TTY.
 *
 * <p>Server-Timing metrics say how long, not when: each is drawn centred in the waiting phase,
 * which assumes the network's share of the wait splits evenly before and after the server's work.
 */
public final class Waterfall {

    /**
     * How to draw.
     *
     * @param barWidth columns for the bars (10 to 200)
     * @param colour whether to use ANSI colours
     */
    public record Style(int barWidth, boolean colour) {
        public Style {
            if (barWidth < 10 || barWidth > 200) {
                throw new IllegalArgumentException("barWidth " + barWidth + ": expected 10 to 200");
            }
        }

        /** 48 columns of bars, no colour: for files, pipes and tests. */
        public static Style plain() {
            return new Style(48, false);
        }

        /** Bars sized for a terminal {@code columns} wide, in colour. */
        public static Style terminal(int columns) {
            return new Style(Math.max(10, Math.min(120, columns - 56)), true);
        }
    }

    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String[] EIGHTHS = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    private static final String LABEL_FORMAT = "  %-9s %10s %10s  ";

    private final Style style;
    private final StringBuilder out = new StringBuilder();

    private Waterfall(Style style) {
        this.style = style;
    }

    /** Draws every run, then (for more than one) a table comparing them: cold against warm. */
    public static String render(List<TraceResult> runs, Style style) {
        Waterfall w = new Waterfall(style);
        for (int i = 0; i < runs.size(); i++) {
            if (runs.size() > 1) {
                w.line(w.paint(BOLD, "run " + (i + 1) + " of " + runs.size()) + w.paint(DIM, "  " + temperature(runs.get(i))));
            }
            w.run(runs.get(i));
            w.out.append('\n');
        }
        if (runs.size() > 1) {
            w.summary(runs);
        }
        return w.out.toString();
    }

    public static String render(TraceResult run, Style style) {
        return render(List.of(run), style);
    }

    public static String render(Timeline timeline, Style style) {
        return render(List.of(TraceResult.of(timeline)), style);
    }

    private void run(TraceResult r) {
        Timeline t = r.timeline();
        header(r);
        long scale = Math.max(1, t.totalNanos());
        line(String.format(Locale.ROOT, LABEL_FORMAT, "phase", "start", "duration")
                + paint(DIM, axis(scale)));
        for (PhaseKind kind : PhaseKind.values()) {
            if (kind == PhaseKind.CONNECT) {
                losingAttempts(r.altSvc(), scale);
            }
            if (!PhaseNotes.applies(t, kind)) {
                continue;
            }
            Phase p = t.phase(kind).orElse(null);
            boolean failedHere = t.failure() != null && t.failure().phase() == kind;
            if (p == null) {
                line(String.format(Locale.ROOT, LABEL_FORMAT, kind.label(), "-", "-") + " ".repeat(style.barWidth() + 2)
                        + paint(DIM, PhaseNotes.whyMissing(t, kind).orElse("")));
                continue;
            }
            String bar = bar(p.startNanos(), p.endNanos(), scale, false);
            line(String.format(Locale.ROOT, LABEL_FORMAT, kind.label(), ms(p.startNanos()), ms(p.durationNanos()))
                    + "|" + paint(failedHere ? RED : colour(kind), bar) + "|  " + (failedHere ? paint(RED, "failed") : facts(r, kind)));
            if (kind == PhaseKind.DNS) {
                for (DnsStep s : t.dnsSteps()) {
                    line(paint(DIM, "      " + step(s)));
                }
            }
            if (kind == PhaseKind.WAIT) {
                serverTimings(t, p, scale);
            }
        }
        line(String.format(Locale.ROOT, LABEL_FORMAT, "total", "", ms(t.totalNanos())));
        if (t.tls() != null) {
            TlsInfo tls = t.tls();
            line(paint(DIM, "  certificate " + tls.peerSubject() + " (" + String.join(", ", tls.peerNames()) + ") issued by "
                    + tls.peerIssuer() + ", expires " + tls.peerNotAfter().atOffset(ZoneOffset.UTC).toLocalDate()));
        }
        if (r.altSvc() != null) {
            line("  why: " + r.altSvc().explain());
        }
        if (t.failure() != null) {
            line(paint(RED, "  ✗ failed in " + t.failure().phase().label() + " at " + ms(t.failure().atNanos()).strip() + ": "
                    + t.failure().message() + (r.failureClass() == null ? "" : "  [" + r.failureClass().id() + ", exit " + r.exitCode() + "]")));
        }
    }

    /**
     * The rows of a race's attempts that did not carry the request (drawn where the connection
     * phases begin): the QUIC attempt TCP beat or that failed, or the TCP attempt QUIC beat.
     */
    private void losingAttempts(AltSvcOutcome a, long scale) {
        if (a == null) {
            return;
        }
        if (a.quic() != null && a.quic().end() != AltSvcOutcome.End.READY) {
            attempt("(quic)", a.quic(), scale, a.quic().end() == AltSvcOutcome.End.ABANDONED
                    ? "abandoned: the TCP fallback was ready first" : "failed: " + a.quic().error());
        }
        if (a.tcp() != null && a.tcp().end() != AltSvcOutcome.End.READY) {
            attempt("(tcp+tls)", a.tcp(), scale, a.tcp().end() == AltSvcOutcome.End.ABANDONED
                    ? "abandoned: QUIC was ready first" : "failed: " + a.tcp().error());
        }
    }

    private void attempt(String label, AltSvcOutcome.Attempt a, long scale, String note) {
        boolean failed = a.end() == AltSvcOutcome.End.FAILED;
        line(String.format(Locale.ROOT, LABEL_FORMAT, label, ms(a.startNanos()), ms(a.durationNanos()))
                + "|" + paint(failed ? RED : DIM, bar(a.startNanos(), Math.min(scale, a.endNanos()), scale, true)) + "|  "
                + paint(failed ? RED : DIM, note));
    }

    private void header(TraceResult r) {
        Timeline t = r.timeline();
        StringBuilder h = new StringBuilder(paint(BOLD, t.method() + " " + t.url()));
        if (t.status() >= 0) {
            h.append("  ->  ").append(t.status());
            if (!r.statusText().isEmpty()) {
                h.append(' ').append(r.statusText());
            }
            h.append("  ").append(t.protocol()).append("  ").append(t.responseBytes()).append(" B");
        } else if (t.failure() != null) {
            h.append("  ->  ").append(paint(RED, "no response"));
        }
        if (t.remoteAddress() != null) {
            h.append(paint(DIM, "  via " + dev.roundtrip.core.net.HostPort.format(t.remoteAddress())
                    + (t.remoteAddress().getAddress() instanceof Inet6Address ? " (IPv6)" : " (IPv4)")
                    + (r.connectionId() >= 0 ? ", connection #" + r.connectionId() : "")
                    + (t.connectionReused() ? " reused" : r.connectionId() >= 0 ? " new" : "")));
        }
        line(h.toString());
    }

    /** Address, TLS parameters and what became of 0-RTT early data, for the QUIC row. */
    private static String quicFacts(TraceResult r) {
        Timeline t = r.timeline();
        StringBuilder s = new StringBuilder();
        if (t.remoteAddress() != null) {
            s.append(dev.roundtrip.core.net.HostPort.format(t.remoteAddress())).append(" UDP, ");
        }
        if (t.tls() != null) {
            s.append(t.tls().version()).append(' ').append(t.tls().cipherSuite()).append(", ALPN ").append(t.tls().alpn())
                    .append(t.tls().resumed() ? ", session resumed" : ", full handshake");
        }
        if (r.earlyData() != dev.roundtrip.trace.EarlyData.NOT_SENT) {
            s.append(", 0-RTT ").append(r.earlyData().label());
        }
        return s.toString();
    }

    private String facts(TraceResult r, PhaseKind kind) {
        Timeline t = r.timeline();
        return paint(DIM, switch (kind) {
            case DNS -> t.dnsSteps().isEmpty() ? "" : t.dnsSteps().size() + (t.dnsSteps().size() == 1 ? " step" : " steps");
            case CONNECT -> t.remoteAddress() == null ? "" : dev.roundtrip.core.net.HostPort.format(t.remoteAddress())
                    + (t.remoteAddress().getAddress() instanceof Inet6Address ? " IPv6" : " IPv4");
            case TLS -> t.tls() == null ? "" : t.tls().version() + " " + t.tls().cipherSuite()
                    + (t.tls().alpn().isEmpty() ? ", no ALPN" : ", ALPN " + t.tls().alpn())
                    + (t.tls().resumed() ? ", session resumed" : ", full handshake");
            case QUIC -> quicFacts(r);
            case SEND -> r.requestBytes() >= 0 ? r.requestBytes() + " B" : "";
            case WAIT -> t.phase(PhaseKind.WAIT).map(p -> "first byte at " + ms(p.endNanos()).strip()).orElse("");
            case RECEIVE -> t.responseBytes() + " B";
        });
    }

    private void serverTimings(Timeline t, Phase wait, long scale) {
        for (ServerTiming s : t.serverTimings()) {
            String label = "  " + s.name();
            if (s.durationMillis() < 0) {
                line(String.format(Locale.ROOT, "  %-20s %10s  ", label, "") + " ".repeat(style.barWidth() + 2)
                        + paint(DIM, s.description()));
                continue;
            }
            long dur = Math.round(s.durationMillis() * 1_000_000);
            long shown = Math.min(dur, wait.durationNanos());
            long start = wait.startNanos() + (wait.durationNanos() - shown) / 2;
            String note = "server-timing" + (s.description().isEmpty() ? "" : ": " + s.description())
                    + (dur > wait.durationNanos() ? " (longer than the wait: server and client clocks differ)" : "");
            line(String.format(Locale.ROOT, "  %-20s %10s  ", label, ms(dur)) + "|"
                    + paint(colour(PhaseKind.WAIT), bar(start, start + shown, scale, true)) + "|  " + paint(DIM, note));
        }
        t.serverTimings().stream().filter(s -> s.durationMillis() >= 0).mapToDouble(ServerTiming::durationMillis).max()
                .ifPresent(server -> {
                    long outside = wait.durationNanos() - Math.round(server * 1_000_000);
                    if (outside >= 0) {
                        line(paint(DIM, String.format(Locale.ROOT, "  %-20s %10s  ", "  network+queue", ms(outside))
                                + " ".repeat(style.barWidth() + 2) + "wait minus the longest server metric"));
                    }
                });
    }

    private void summary(List<TraceResult> runs) {
        line(paint(BOLD, String.format(Locale.ROOT, "  %-4s %10s %10s %10s %10s %10s  %s", "run", "total", "dns", "tcp/quic", "tls", "ttfb", "connection")));
        for (int i = 0; i < runs.size(); i++) {
            Timeline t = runs.get(i).timeline();
            CurlTimings c = CurlTimings.of(t);
            line(String.format(Locale.ROOT, "  %-4d %10s %10s %10s %10s %10s  %s", i + 1, ms(t.totalNanos()),
                    dur(t, PhaseKind.DNS), t.phase(PhaseKind.QUIC).isPresent() ? dur(t, PhaseKind.QUIC) : dur(t, PhaseKind.CONNECT),
                    t.phase(PhaseKind.QUIC).isPresent() ? "(in quic)" : dur(t, PhaseKind.TLS),
                    c.starttransferNanos() > 0 ? ms(c.starttransferNanos()) : "-", temperature(runs.get(i)) + race(runs.get(i))));
        }
    }

    /** What the summary says of a call's Alt-Svc alternative. */
    private static String race(TraceResult r) {
        if (r.altSvc() == null) {
            return "";
        }
        return switch (r.altSvc().result()) {
            case H3 -> ", h3 via Alt-Svc";
            case H3_TCP_ABANDONED -> ", h3 won the race with TCP";
            case TCP_QUIC_FAILED -> ", h3 failed: TCP fallback";
            case TCP_QUIC_ABANDONED -> ", h3 too slow: TCP fallback";
            case BOTH_FAILED -> ", h3 and TCP failed";
            case TCP_BROKEN -> ", h3 broken: straight to TCP";
        };
    }

    private static String temperature(TraceResult r) {
        Timeline t = r.timeline();
        if (t.failure() != null) {
            return "failed in " + t.failure().phase().label();
        }
        if (t.connectionReused()) {
            return "warm: connection #" + r.connectionId() + " reused";
        }
        boolean cached = !t.dnsSteps().isEmpty() && t.dnsSteps().stream().allMatch(s -> s.source() != DnsStep.Source.QUERY);
        boolean resumed = t.tls() != null && t.tls().resumed();
        String early = r.earlyData() == dev.roundtrip.trace.EarlyData.NOT_SENT ? "" : ", 0-RTT " + r.earlyData().label();
        if (cached || resumed) {
            return "new connection" + (cached ? ", DNS from cache" : "") + (resumed ? ", TLS resumed" : "") + early;
        }
        return "cold: new connection";
    }

    private static String dur(Timeline t, PhaseKind kind) {
        return t.phase(kind).map(p -> ms(p.durationNanos())).orElse("-");
    }

    private static String step(DnsStep s) {
        String source = switch (s.source()) {
            case STUB_CACHE -> "stub cache";
            case RESOLVER_CACHE -> "resolver cache";
            case QUERY -> "query " + s.server() + (s.zone().isEmpty() ? "" : " [" + s.zone() + "]");
        };
        return source + "  " + s.question() + "  ->  " + s.outcome() + (s.rttNanos() > 0 ? "  (" + ms(s.rttNanos()).strip() + ")" : "");
    }

    private String axis(long scale) {
        String left = "|0";
        String right = ms(scale).strip() + "|";
        int gap = Math.max(1, style.barWidth() + 2 - left.length() - right.length());
        return left + " ".repeat(gap) + right;
    }

    /** A bar from {@code start} to {@code end} (nanos) on a scale where {@code total} fills the width. */
    String bar(long start, long end, long total, boolean shade) {
        int width = style.barWidth();
        double perCol = (double) total / width;
        int startCol = (int) Math.min(width - 1, Math.round(start / perCol));
        long eighths = Math.max(1, Math.round((end - start) / perCol * 8));
        eighths = Math.min(eighths, (long) (width - startCol) * 8);
        StringBuilder b = new StringBuilder(" ".repeat(startCol));
        int full = (int) (eighths / 8);
        int rest = (int) (eighths % 8);
        if (shade) {
            b.append("░".repeat(Math.max(1, full + (rest >= 4 ? 1 : 0))));
        } else {
            b.append("█".repeat(full)).append(EIGHTHS[rest]);
        }
        int used = b.codePointCount(0, b.length());
        return b + " ".repeat(Math.max(0, width - used));
    }

    private static String colour(PhaseKind kind) {
        return switch (kind) {
            case DNS -> "\u001b[36m";
            case CONNECT -> "\u001b[33m";
            case TLS, QUIC -> "\u001b[35m";
            case SEND -> "\u001b[32m";
            case WAIT -> "\u001b[34m";
            case RECEIVE -> "\u001b[92m";
        };
    }

    private String paint(String code, String text) {
        return style.colour() && !text.isEmpty() ? code + text + RESET : text;
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    /** Milliseconds as the waterfall prints them: two decimals below 100 ms, one above. */
    static String ms(long nanos) {
        double m = nanos / 1_000_000.0;
        return m < 100 ? String.format(Locale.ROOT, "%.2f ms", m) : String.format(Locale.ROOT, "%.1f ms", m);
    }
}
