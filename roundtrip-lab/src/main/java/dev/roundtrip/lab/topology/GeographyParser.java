package dev.roundtrip.lab.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.lab.wire.LossModel;
import dev.roundtrip.lab.wire.PathSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a topology's {@code regions}, {@code links}, {@code paths} and {@code seed} into a
 * {@link Geography}, validating in the same step: every error names the field, the value and what
 * is allowed, as the rest of the topology file's errors do.
 *
 * <pre>
 * regions:
 *   - {name: us-east, rtt: 1ms}          # hosts inside one region are 1 ms apart (round trip)
 *   - {name: tokyo}
 * links:
 *   - between: [us-east, tokyo]
 *     rtt: 150ms                          # half of it each way
 *     jitter: 2ms                         # per packet, never reordering unless reorder: true
 *     loss: 1%                            # or {model: gilbert-elliott, p-good-bad: 1%, p-bad-good: 30%, loss-bad: 100%}
 *     bandwidth: 50Mbit                   # per direction; queue: 50ms of it (drop-tail)
 * paths:                                  # one direction between two hosts, overriding its link
 *   - {from: tokyo-client, to: lb.example.com, loss: 5%}
 * seed: 42
 * hosts:
 *   - {name: tokyo-client, address: 198.18.4.1, region: tokyo}
 * </pre>
 */
public final class GeographyParser {
    private static final Set<String> REGION_KEYS = Set.of("name", "rtt", "note");
    private static final Set<String> LINK_KEYS = Set.of("between", "rtt", "jitter", "loss", "bandwidth", "queue", "reorder", "note");
    private static final Set<String> PATH_KEYS = Set.of("from", "to", "delay", "jitter", "loss", "bandwidth", "queue", "reorder", "note");
    private static final Set<String> GE_KEYS = Set.of("model", "p-good-bad", "p-bad-good", "loss-good", "loss-bad");
    private static final Duration DEFAULT_QUEUE = Duration.ofMillis(50);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(kbit|mbit|gbit)(?:/s|ps)?");

    private GeographyParser() {}

    /**
     * The geography of {@code topology}.
     *
     * @param source names the topology in error messages
     * @throws TopologyException naming the field when something is wrong
     */
    public static Geography parse(Topology topology, String source) {
        try {
            return parse(topology.geography(), topology.hosts());
        } catch (TopologyException e) {
            throw new TopologyException(source, e.field(), e.problem());
        }
    }

    static Geography parse(JsonNode root, List<Host> hosts) {
        Map<String, Geography.Region> regions = new LinkedHashMap<>();
        JsonNode regionList = list(root, "regions");
        for (int i = 0; i < regionList.size(); i++) {
            String at = "regions[" + i + "]";
            JsonNode node = mapping(regionList.get(i), at, REGION_KEYS);
            String name = text(node.get("name"), at + ".name");
            Duration rtt = node.has("rtt") ? duration(node.get("rtt"), at + ".rtt") : Duration.ZERO;
            if (regions.putIfAbsent(name, new Geography.Region(name, rtt, optionalText(node, "note"))) != null) {
                throw new TopologyException("", at + ".name", "'" + name + "' is listed twice (region names are unique)");
            }
        }
        Map<String, String> hostRegions = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            if (h.region().isEmpty()) {
                continue;
            }
            if (!regions.containsKey(h.region())) {
                throw new TopologyException("", "hosts[" + i + "].region", "'" + h.region() + "' is not a region"
                        + (regions.isEmpty() ? " (the file has no 'regions' list)" : " (allowed: " + String.join(", ", regions.keySet()) + ")"));
            }
            hostRegions.put(h.name(), h.region());
        }

        Map<String, Geography.Link> links = new LinkedHashMap<>();
        JsonNode linkList = list(root, "links");
        for (int i = 0; i < linkList.size(); i++) {
            String at = "links[" + i + "]";
            JsonNode node = mapping(linkList.get(i), at, LINK_KEYS);
            JsonNode between = node.get("between");
            if (between == null || !between.isArray() || between.size() != 2) {
                throw new TopologyException("", at + ".between", "expected two region names, e.g. [us-east, tokyo]");
            }
            String a = regionName(between.get(0), at + ".between[0]", regions);
            String b = regionName(between.get(1), at + ".between[1]", regions);
            if (a.equals(b)) {
                throw new TopologyException("", at + ".between", "names '" + a + "' twice (inside one region, set the region's own 'rtt')");
            }
            if (!node.has("rtt")) {
                throw new TopologyException("", at + ".rtt", "missing: the round-trip time between the two regions, e.g. 150ms");
            }
            Duration rtt = duration(node.get("rtt"), at + ".rtt");
            PathSpec oneWay = settings(node, at, Geography.withDelay(PathSpec.IDEAL, rtt.dividedBy(2)));
            Geography.Link link = new Geography.Link(a, b, rtt, oneWay, optionalText(node, "note"));
            if (links.put(Geography.key(a, b), link) != null) {
                throw new TopologyException("", at + ".between", "regions '" + a + "' and '" + b + "' already have a link");
            }
            links.put(Geography.key(b, a), link);
        }
        // Every two regions that hold hosts need a link: a missing one is a mistake, not zero distance.
        List<String> used = regions.keySet().stream().filter(hostRegions::containsValue).toList();
        for (int i = 0; i < used.size(); i++) {
            for (int j = i + 1; j < used.size(); j++) {
                if (!links.containsKey(Geography.key(used.get(i), used.get(j)))) {
                    throw new TopologyException("", "links", "no link between regions '" + used.get(i) + "' and '" + used.get(j)
                            + "', which both hold hosts (add {between: [" + used.get(i) + ", " + used.get(j) + "], rtt: ...})");
                }
            }
        }

        long seed = 1;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber()) {
                throw new TopologyException("", "seed", "'" + s.asText() + "' is not a whole number");
            }
            seed = s.asLong();
        }
        Geography regionsOnly = new Geography(regions, links, Map.of(), hostRegions, seed);

        Map<String, PathSpec> overrides = new LinkedHashMap<>();
        Set<String> hostNames = new java.util.HashSet<>();
        hosts.forEach(h -> hostNames.add(h.name()));
        JsonNode pathList = list(root, "paths");
        for (int i = 0; i < pathList.size(); i++) {
            String at = "paths[" + i + "]";
            JsonNode node = mapping(pathList.get(i), at, PATH_KEYS);
            String from = hostName(node.get("from"), at + ".from", hostNames);
            String to = hostName(node.get("to"), at + ".to", hostNames);
            PathSpec base = regionsOnly.regionPath(from, to);
            if (node.has("delay")) {
                base = Geography.withDelay(base, duration(node.get("delay"), at + ".delay"));
            }
            if (overrides.put(Geography.key(from, to), settings(node, at, base)) != null) {
                throw new TopologyException("", at, "the path " + from + " -> " + to + " is overridden twice");
            }
        }
        return new Geography(regions, links, overrides, hostRegions, seed);
    }

    /** jitter, loss, bandwidth, queue and reorder on top of {@code base}. */
    private static PathSpec settings(JsonNode node, String at, PathSpec base) {
        Duration jitter = node.has("jitter") ? duration(node.get("jitter"), at + ".jitter") : base.jitter();
        LossModel loss = node.has("loss") ? loss(node.get("loss"), at + ".loss") : base.loss();
        long rate = node.has("bandwidth") ? rate(node.get("bandwidth"), at + ".bandwidth") : base.rateBitsPerSecond();
        Duration queue = node.has("queue") ? duration(node.get("queue"), at + ".queue")
                : base.queueLimit() == null || base.queueLimit().isZero() ? DEFAULT_QUEUE : base.queueLimit();
        if (node.has("queue") && rate == 0) {
            throw new TopologyException("", at + ".queue", "needs a 'bandwidth' (the queue drains at that rate)");
        }
        boolean reorder = base.reorder();
        if (node.has("reorder")) {
            if (!node.get("reorder").isBoolean()) {
                throw new TopologyException("", at + ".reorder", "'" + node.get("reorder").asText() + "' is not true or false");
            }
            reorder = node.get("reorder").asBoolean();
        }
        if (jitter.compareTo(base.delay()) > 0) {
            throw new TopologyException("", at + ".jitter", jitter.toMillis() + "ms is more than the one-way delay ("
                    + base.delay().toMillis() + "ms): a packet cannot arrive before it was sent");
        }
        return new PathSpec(base.delay(), jitter, loss, rate, queue, reorder);
    }

    static LossModel loss(JsonNode node, String at) {
        if (node.isValueNode()) {
            double p = fraction(node, at);
            return p == 0 ? new LossModel.None() : new LossModel.Random(p);
        }
        JsonNode ge = mapping(node, at, GE_KEYS);
        String model = text(ge.get("model"), at + ".model");
        if (!model.equals("gilbert-elliott")) {
            throw new TopologyException("", at + ".model", "'" + model + "' is not a loss model (allowed: gilbert-elliott; or a plain percentage)");
        }
        for (String key : List.of("p-good-bad", "p-bad-good")) {
            if (!ge.has(key)) {
                throw new TopologyException("", at + "." + key, "missing (a Gilbert-Elliott model needs p-good-bad and p-bad-good)");
            }
        }
        double pBadGood = fraction(ge.get("p-bad-good"), at + ".p-bad-good");
        if (pBadGood == 0) {
            throw new TopologyException("", at + ".p-bad-good", "0 would never leave the bad state (allowed: more than 0%)");
        }
        return new LossModel.GilbertElliott(fraction(ge.get("p-good-bad"), at + ".p-good-bad"), pBadGood,
                ge.has("loss-good") ? fraction(ge.get("loss-good"), at + ".loss-good") : 0,
                ge.has("loss-bad") ? fraction(ge.get("loss-bad"), at + ".loss-bad") : 1);
    }

    /** "150ms", "0.5ms", "250us", "2s". */
    static Duration duration(JsonNode node, String at) {
        Matcher m = DURATION.matcher(node.asText().trim().toLowerCase(Locale.ROOT));
        if (!node.isValueNode() || !m.matches()) {
            throw new TopologyException("", at, "'" + node.asText() + "' is not a duration (e.g. 150ms, 0.5ms, 250us, 2s)");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal nanos = value.multiply(BigDecimal.valueOf(switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000_000_000L;
        }));
        if (nanos.compareTo(BigDecimal.valueOf(60_000_000_000L)) > 0) {
            throw new TopologyException("", at, "'" + node.asText() + "' is too long (at most 60s)");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** "1%", "0.5%", or a fraction such as 0.01. */
    static double fraction(JsonNode node, String at) {
        double p;
        Matcher m = PERCENT.matcher(node.asText().trim());
        if (node.isNumber()) {
            p = node.asDouble();
        } else if (m.matches()) {
            p = Double.parseDouble(m.group(1)) / 100;
        } else {
            throw new TopologyException("", at, "'" + node.asText() + "' is not a probability (e.g. 1%, 0.5%, 0.01)");
        }
        if (p < 0 || p > 1) {
            throw new TopologyException("", at, "'" + node.asText() + "' is not between 0% and 100%");
        }
        return p;
    }

    /** "50Mbit", "1Gbit/s", "512kbit": bits per second. */
    static long rate(JsonNode node, String at) {
        Matcher m = RATE.matcher(node.asText().trim().toLowerCase(Locale.ROOT));
        if (!node.isValueNode() || !m.matches()) {
            throw new TopologyException("", at, "'" + node.asText() + "' is not a bandwidth (e.g. 512kbit, 50Mbit, 1Gbit)");
        }
        long unit = switch (m.group(2)) {
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        long bits = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValue();
        if (bits < 8_000) {
            throw new TopologyException("", at, "'" + node.asText() + "' is too slow (at least 8kbit)");
        }
        return bits;
    }

    private static JsonNode list(JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray()) {
            throw new TopologyException("", key, "expected a list, found " + (node.isObject() ? "a mapping" : "'" + node.asText() + "'"));
        }
        return node;
    }

    private static JsonNode mapping(JsonNode node, String at, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new TopologyException("", at, "expected a mapping (keys: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new TopologyException("", at + "." + key, "unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return node;
    }

    private static String text(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            throw new TopologyException("", at, "missing (required)");
        }
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw new TopologyException("", at, "expected a name, found a " + (node.isArray() ? "list" : "mapping"));
        }
        return node.asText();
    }

    private static String optionalText(JsonNode node, String key) {
        return node.hasNonNull(key) ? node.get(key).asText() : "";
    }

    private static String regionName(JsonNode node, String at, Map<String, Geography.Region> regions) {
        String name = text(node, at);
        if (!regions.containsKey(name)) {
            throw new TopologyException("", at, "'" + name + "' is not a region (allowed: " + String.join(", ", regions.keySet()) + ")");
        }
        return name;
    }

    private static String hostName(JsonNode node, String at, Set<String> hosts) {
        String name = text(node, at);
        if (!hosts.contains(name)) {
            throw new TopologyException("", at, "'" + name + "' is not a host of this topology");
        }
        return name;
    }
}
