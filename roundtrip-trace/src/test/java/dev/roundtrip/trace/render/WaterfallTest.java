package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.trace.testing.Timelines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal waterfall: one line per phase, bars to scale, missing phases explained, Server-Timing inside the wait. */
class WaterfallTest {
    private static final Waterfall.Style PLAIN = new Waterfall.Style(50, false);

    private static String line(String text, String label) {
        return text.lines().filter(l -> l.startsWith("  " + label + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + label + " in:\n" + text));
    }

    private static int barStart(String line) {
        int open = line.indexOf('|');
        String bar = line.substring(open + 1, line.indexOf('|', open + 1));
        return bar.length() - bar.stripLeading().length();
    }

    private static long blocks(String line) {
        int open = line.indexOf('|');
        return line.substring(open + 1, line.indexOf('|', open + 1)).chars().filter(c -> c == '█').count();
    }

    @Test
    void everyPhaseHasALineAndBarsAreToScale() {
        String out = Waterfall.render(Timelines.coldHttps(), PLAIN);
        // 101 ms over 50 columns: dns 30 ms is 14.85 columns, wait 50 ms is 24.75 columns starting at 20.8 (column 21)
        assertThat(line(out, "dns")).contains("0.00 ms", "30.00 ms", "2 steps");
        assertThat(blocks(line(out, "dns"))).isEqualTo(14);
        assertThat(barStart(line(out, "wait"))).isEqualTo(21);
        assertThat(blocks(line(out, "wait"))).isEqualTo(24);
        assertThat(line(out, "tls")).contains("TLSv1.3 TLS_AES_128_GCM_SHA256, ALPN h2, full handshake");
        assertThat(line(out, "tcp")).contains("127.0.0.1:8443 IPv4");
        assertThat(line(out, "total")).contains("101.0 ms");
        assertThat(out).contains("query 198.18.0.1:53 [.]  api.example.com. A  ->  referral to com.  (10.00 ms)");
        assertThat(out).doesNotContain("\u001b[");
    }

    @Test
    void serverTimingIsDrawnCentredInsideTheWait() {
        String out = Waterfall.render(Timelines.coldHttps(), PLAIN);
        String wait = line(out, "wait");
        String lb = line(out, "  lb");
        String db = line(out, "  db");
        assertThat(lb).contains("45.00 ms", "server-timing");
        assertThat(db).contains("12.50 ms", "server-timing: select users");
        assertThat(barStart(lb)).isGreaterThanOrEqualTo(barStart(wait));
        assertThat(barStart(db)).isGreaterThan(barStart(lb));
        assertThat(out).contains("network+queue").contains("5.00 ms");
    }

    @Test
    void phasesThatDidNotHappenSayWhy() {
        String out = Waterfall.render(List.of(Timelines.coldHttps(), Timelines.warmHttps()), PLAIN);
        assertThat(out).contains("run 2 of 2  warm: connection #1 reused");
        assertThat(out).contains("connection reused: no lookup needed", "connection reused: no TCP handshake",
                "connection reused: no TLS handshake");
        assertThat(out).contains("  run ", "ttfb");
        assertThat(out.lines().filter(l -> l.startsWith("  2 ")).findFirst().orElseThrow()).contains("52.00 ms", "51.00 ms", "reused");
    }

    @Test
    void aFailureIsMarkedInItsPhaseWithClassAndExitCode() {
        String out = Waterfall.render(Timelines.tlsFailure(), PLAIN);
        assertThat(line(out, "tls")).contains("failed");
        assertThat(out).contains("✗ failed in tls at 12.00 ms: TLS with api.example.com", "[tls-name-mismatch, exit 32]");
        assertThat(line(out, "request")).contains("not reached: the request failed in tls");
    }

    @Test
    void colourOnlyWhenAsked() {
        assertThat(Waterfall.render(Timelines.coldHttps(), new Waterfall.Style(50, true))).contains("\u001b[36m");
    }
}
