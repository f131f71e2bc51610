package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The head-of-line experiment's arithmetic, without a lab: page loads (the page loader's JSON)
 * grouped by loss rate and protocol, their median and 95th percentile completion times, the
 * slowdown against the same protocol without loss, and the table and text chart that show them.
 *
 * <p>Percentiles are nearest-rank: p95 of n values is the ceil(0.95 n)-th smallest, so with 5 runs
 * it is the slowest one. Incomplete pages are counted, not timed.
 */
final class PageTimes {
    /** The protocols in the order the experiment prints them. */
    static final List<String> PROTOCOLS = List.of("1.1", "2", "3");

    /** One protocol at one loss rate. */
    record Cell(double lossPercent, String http, String label, int connections, int pages, int incomplete, double medianMs,
                double p95Ms, double medianConnectMs, double medianObjectMs) {}

    private PageTimes() {}

    static String label(String http, int connections) {
        return switch (http) {
            case "1.1" -> "HTTP/1.1 x" + connections;
            case "2" -> "HTTP/2";
            case "3" -> "HTTP/3";
            default -> http;
        };
    }

    /** The cells of one loss rate from the page loader's JSON (warm-up pages left out). */
    static List<Cell> cells(double lossPercent, JsonNode document) {
        Map<String, List<JsonNode>> byHttp = new LinkedHashMap<>();
        for (JsonNode page : document.path("pages")) {
            if (!page.path("warm_up").asBoolean()) {
                byHttp.computeIfAbsent(page.path("http").asText(), k -> new ArrayList<>()).add(page);
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (String http : PROTOCOLS) {
            List<JsonNode> pages = byHttp.getOrDefault(http, List.of());
            if (pages.isEmpty()) {
                continue;
            }
            double[] done = pages.stream().filter(p -> p.path("complete").asBoolean()).mapToDouble(p -> p.path("page_ms").asDouble()).toArray();
            double[] connect = pages.stream().filter(p -> p.path("connect_ms").asDouble() >= 0).mapToDouble(p -> p.path("connect_ms").asDouble()).toArray();
            List<Double> objects = new ArrayList<>();
            for (JsonNode p : pages) {
                for (JsonNode o : p.path("object_timings")) {
                    if (o.path("failure").isNull() && o.path("sent_ms").asDouble() >= 0) {
                        objects.add(o.path("end_ms").asDouble() - o.path("sent_ms").asDouble());
                    }
                }
            }
            cells.add(new Cell(lossPercent, http, label(http, pages.getFirst().path("connections").asInt()), pages.getFirst().path("connections").asInt(),
                    pages.size(), pages.size() - done.length, percentile(done, 50), percentile(done, 95), percentile(connect, 50),
                    percentile(objects.stream().mapToDouble(Double::doubleValue).toArray(), 50)));
        }
        return cells;
    }

    /**
     * The nearest-rank percentile (p in (0, 100]) of {@code values}; the median of an even count is
     * the mean of the middle two. NaN for no values.
     */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        if (p == 50 && v.length % 2 == 0) {
            return (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, Math.min(v.length, rank) - 1)];
    }

    /** The median of the same protocol at the lowest loss rate measured, or NaN. */
    static double baseline(List<Cell> all, Cell cell) {
        return all.stream().filter(c -> c.http().equals(cell.http())).min((a, b) -> Double.compare(a.lossPercent(), b.lossPercent()))
                .map(Cell::medianMs).orElse(Double.NaN);
    }

    /** The table: one line per loss rate, median / p95 and the slowdown per protocol. */
    static void printTable(PrintWriter out, List<Cell> all, List<Double> losses) {
        List<String> labels = labels(all);
        out.println("page completion time per loss rate: median / p95, and (x N) the median against the same protocol's at the lowest loss");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-7s", "loss"));
        for (String l : labels) {
            head.append(String.format(Locale.ROOT, " | %-31s", l));
        }
        out.println(head);
        for (double loss : losses) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7s", PathText.percent(loss / 100)));
            for (String l : labels) {
                Cell c = all.stream().filter(x -> x.lossPercent() == loss && x.label().equals(l)).findFirst().orElse(null);
                if (c == null) {
                    line.append(String.format(Locale.ROOT, " | %-31s", "-"));
                    continue;
                }
                String text = String.format(Locale.ROOT, "%s / %s (x%.2f)", ms(c.medianMs()), ms(c.p95Ms()), c.medianMs() / baseline(all, c));
                if (c.incomplete() > 0) {
                    text += " " + c.incomplete() + " incomplete";
                }
                line.append(String.format(Locale.ROOT, " | %-31s", text));
            }
            out.println(line);
        }
    }

    /**
     * What one loss-based congestion controller sustains in steady state at loss rate {@code p}
     * (Mathis et al. 1997: rate = 1.22 x packet / (RTT x sqrt(p))), in bytes per second; infinite
     * without loss.
     */
    static double mathisBytesPerSecond(int packetBytes, double rttMs, double lossPercent) {
        return lossPercent <= 0 ? Double.POSITIVE_INFINITY : 1.22 * packetBytes / (rttMs / 1000) / Math.sqrt(lossPercent / 100);
    }

    /** One line per lossy rate: each protocol's goodput (page bytes over page time) next to the steady-state estimate. */
    static void printGoodput(PrintWriter out, List<Cell> all, List<Double> losses, long pageBytes, double rttMs) {
        out.println("goodput (page bytes / median page time) against one loss-based flow's steady state, 1.22 x packet / (RTT x sqrt(loss)):");
        for (double loss : losses) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s", PathText.percent(loss / 100)));
            for (String l : labels(all)) {
                all.stream().filter(x -> x.lossPercent() == loss && x.label().equals(l) && !Double.isNaN(x.medianMs())).findFirst()
                        .ifPresent(c -> line.append(String.format(Locale.ROOT, " %s %.0f KB/s;", c.label(), pageBytes / (c.medianMs() / 1000) / 1000)));
            }
            if (loss > 0) {
                line.append(String.format(Locale.ROOT, " steady state ~%.0f KB/s (1448-byte TCP segments), ~%.0f KB/s (1200-byte QUIC packets)",
                        mathisBytesPerSecond(1448, rttMs, loss) / 1000, mathisBytesPerSecond(1200, rttMs, loss) / 1000));
            }
            out.println(line);
        }
    }

    /** A horizontal bar per protocol and loss rate: the median as a bar, the p95 as a '|' beyond it. */
    static void printChart(PrintWriter out, List<Cell> all, List<Double> losses, int width) {
        double max = all.stream().mapToDouble(c -> Double.isNaN(c.p95Ms()) ? 0 : c.p95Ms()).max().orElse(0);
        if (max <= 0) {
            return;
        }
        out.printf(Locale.ROOT, "page completion time (bar: median, |: p95; full width %s)%n", ms(max));
        for (double loss : losses) {
            boolean first = true;
            for (String l : labels(all)) {
                Cell c = all.stream().filter(x -> x.lossPercent() == loss && x.label().equals(l)).findFirst().orElse(null);
                if (c == null) {
                    continue;
                }
                String bar = bar(c.medianMs(), c.p95Ms(), max, width);
                out.printf(Locale.ROOT, "%-6s %-12s %s %s%n", first ? PathText.percent(loss / 100) : "", l, bar, ms(c.medianMs()));
                first = false;
            }
        }
    }

    static String bar(double median, double p95, double max, int width) {
        char[] line = new char[width];
        Arrays.fill(line, ' ');
        if (Double.isNaN(median)) {
            return new String(line);
        }
        int m = (int) Math.round(median / max * width);
        for (int i = 0; i < Math.min(m, width); i++) {
            line[i] = '#';
        }
        if (!Double.isNaN(p95)) {
            int p = (int) Math.round(p95 / max * width) - 1;
            if (p >= m && p < width) {
                line[p] = '|';
            }
        }
        return new String(line);
    }

    private static List<String> labels(List<Cell> all) {
        return all.stream().map(Cell::label).distinct().toList();
    }

    private static String ms(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** Everything as one JSON document. */
    static String json(List<Cell> all, double rttMs, int objects, int bytes, int runs, long seed, String congestionControl) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("experiment", "head-of-line");
        root.put("rtt_ms", rttMs);
        root.put("congestion_control", congestionControl);
        root.put("objects", objects);
        root.put("bytes", bytes);
        root.put("runs", runs);
        root.put("seed", seed);
        ArrayNode cells = root.putArray("results");
        for (Cell c : all) {
            ObjectNode o = cells.addObject();
            o.put("loss_percent", c.lossPercent());
            o.put("http", c.http());
            o.put("protocol", c.label());
            o.put("connections", c.connections());
            o.put("pages", c.pages());
            o.put("incomplete", c.incomplete());
            putMs(o, "median_page_ms", c.medianMs());
            putMs(o, "p95_page_ms", c.p95Ms());
            putMs(o, "median_connect_ms", c.medianConnectMs());
            putMs(o, "median_object_ms", c.medianObjectMs());
            putMs(o, "slowdown_vs_lowest_loss", c.medianMs() / baseline(all, c));
        }
        return root.toString();
    }

    private static void putMs(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
