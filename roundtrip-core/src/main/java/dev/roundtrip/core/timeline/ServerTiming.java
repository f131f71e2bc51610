package dev.roundtrip.core.timeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One metric of a W3C {@code Server-Timing} header: how long a server-side step took, e.g.
 * {@code lb;dur=1.3}, {@code app;dur=4.1}, {@code db;dur=2.2;desc="select users"}.
 *
 * @param name metric name
 * @param durationMillis duration in milliseconds, or -1 when the metric carries none
 * @param description the optional description, empty when absent
 */
public record ServerTiming(String name, double durationMillis, String description) {

    /** Formats this metric for a {@code Server-Timing} header value. */
    public String toHeaderValue() {
        StringBuilder out = new StringBuilder(name);
        if (durationMillis >= 0) {
            out.append(";dur=").append(String.format(Locale.ROOT, "%.3f", durationMillis));
        }
        if (!description.isEmpty()) {
            out.append(";desc=\"").append(description.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.toString();
    }

    /**
     * Parses every metric in one or more {@code Server-Timing} header values. Malformed metrics are
     * skipped, never thrown: the header comes from a server we may not control.
     */
    public static List<ServerTiming> parse(Iterable<String> headerValues) {
        List<ServerTiming> out = new ArrayList<>();
        for (String value : headerValues) {
            for (String metric : splitOutsideQuotes(value, ',')) {
                List<String> parts = splitOutsideQuotes(metric, ';');
                if (parts.isEmpty() || parts.getFirst().isBlank()) {
                    continue;
                }
                String name = parts.getFirst().strip();
                double dur = -1;
                String desc = "";
                for (String param : parts.subList(1, parts.size())) {
                    int eq = param.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String key = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    String v = unquote(param.substring(eq + 1).strip());
                    if (key.equals("dur")) {
                        try {
                            dur = Double.parseDouble(v);
                        } catch (NumberFormatException ignored) {
                            dur = -1;
                        }
                    } else if (key.equals("desc")) {
                        desc = v;
                    }
                }
                out.add(new ServerTiming(name, dur, desc));
            }
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            parts.add(current.toString());
        }
        return parts;
    }
}
