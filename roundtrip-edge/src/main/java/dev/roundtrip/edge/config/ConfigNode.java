package dev.roundtrip.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.LabAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A YAML/JSON node and its key path, with typed getters whose errors name the path, the value and what is allowed. */
final class ConfigNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    JsonNode raw() {
        return node;
    }

    EdgeConfigException error(String key, String problem) {
        return new EdgeConfigException(at(key), problem);
    }

    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    /** Fails on keys not in {@code allowed}: a typo must not silently become a default. */
    ConfigNode onlyKeys(String... allowed) {
        if (!node.isObject()) {
            throw new EdgeConfigException(path, "'" + node + "' is not a mapping");
        }
        Set<String> ok = new TreeSet<>(List.of(allowed));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ok.contains(key)) {
                throw error(key, "unknown key (allowed: " + String.join(", ", ok) + ")");
            }
        }
        return this;
    }

    ConfigNode child(String key) {
        if (!has(key)) {
            throw error(key, "is missing");
        }
        return new ConfigNode(node.get(key), at(key));
    }

    Optional<ConfigNode> optChild(String key) {
        return has(key) ? Optional.of(child(key)) : Optional.empty();
    }

    String string(String key) {
        JsonNode v = child(key).node;
        if (!v.isValueNode()) {
            throw error(key, "'" + v + "' is not a string");
        }
        return v.asText();
    }

    String string(String key, String dflt) {
        return has(key) ? string(key) : dflt;
    }

    boolean bool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, "'" + v.asText() + "' is not a boolean (allowed: true, false)");
        }
        return v.asBoolean();
    }

    long integer(String key, long dflt, long min, long max) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw error(key, "'" + v.asText() + "' is not a whole number (allowed: " + min + "-" + max + ")");
        }
        long n = v.asLong();
        if (n < min || n > max) {
            throw error(key, "'" + n + "' is outside " + min + "-" + max);
        }
        return n;
    }

    double number(String key, double dflt, double min, double max) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(key, "'" + v.asText() + "' is not a number (allowed: " + min + "-" + max + ")");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw error(key, "'" + v.asText() + "' is outside " + min + "-" + max);
        }
        return d;
    }

    /** A size in bytes: a number, or a number with KiB/MiB/GiB (or k/m/g). */
    long bytes(String key, long dflt, long max) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (v.isIntegralNumber()) {
            return check(key, v.asLong(), max);
        }
        String t = v.asText().strip().toLowerCase(java.util.Locale.ROOT);
        Matcher m = Pattern.compile("(\\d+)\\s*(kib|mib|gib|k|m|g|kb|mb|gb)?").matcher(t);
        if (!m.matches()) {
            throw error(key, "'" + v.asText() + "' is not a size (allowed: bytes, or e.g. 64KiB, 10MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1);
        long mult = switch (unit) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return check(key, n * mult, max);
    }

    private long check(String key, long n, long max) {
        if (n < 1 || n > max) {
            throw error(key, "'" + n + "' is outside 1-" + max + " bytes");
        }
        return n;
    }

    /** A duration: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}. */
    Duration duration(String key, Duration dflt) {
        if (!has(key)) {
            return dflt;
        }
        String text = node.get(key).asText().strip();
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw error(key, "'" + text + "' is not a duration (allowed: e.g. 500ms, 2s, 1.5s, 1m)");
        }
        double n = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        Duration d = Duration.ofNanos((long) (millis * 1_000_000));
        if (d.isZero()) {
            throw error(key, "'" + text + "' must be positive");
        }
        return d;
    }

    InetSocketAddress address(String key) {
        String text = string(key);
        return parseAddress(text, at(key));
    }

    /**
     * An upstream endpoint: like {@link #parseAddress}, and on a lab address or loopback only, so
     * the balancer never sends traffic anywhere else.
     */
    static InetSocketAddress parseEndpoint(String text, String at) {
        InetSocketAddress address = parseAddress(text, at);
        if (!LabAddresses.isLab(address.getAddress()) && !address.getAddress().isLoopbackAddress()) {
            throw new EdgeConfigException(at, "'" + text + "' is neither a lab address nor loopback (allowed: "
                    + LabAddresses.ALLOWED + ", or 127.0.0.0/8 and ::1)");
        }
        return address;
    }

    static InetSocketAddress parseAddress(String text, String at) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new EdgeConfigException(at, e.getMessage() + " (allowed: ADDR:PORT with an IP address, e.g. 198.18.0.10:443)");
        }
    }

    /** Each element of a list at {@code key} (a missing key is an empty list), mapped with its indexed path. */
    <T> List<T> list(String key, Function<ConfigNode, T> each) {
        if (!has(key)) {
            return List.of();
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw error(key, "'" + v.asText() + "' is not a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(each.apply(new ConfigNode(v.get(i), at(key) + "[" + i + "]")));
        }
        return out;
    }

    /** The text of a scalar node. */
    String text() {
        if (!node.isValueNode()) {
            throw new EdgeConfigException(path, "'" + node + "' is not a string");
        }
        return node.asText();
    }
}
