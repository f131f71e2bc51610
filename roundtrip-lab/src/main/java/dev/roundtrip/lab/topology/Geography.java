package dev.roundtrip.lab.topology;

import dev.roundtrip.lab.PathTable;
import dev.roundtrip.lab.wire.PathSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The distances of a topology, as the lab's wire applies them: which region each host sits in, the
 * link between every two regions, and per-direction overrides between hosts. Read from the
 * topology file by {@link GeographyParser}; immutable.
 *
 * <p>A path between two hosts takes, in this order: the override written for exactly that
 * direction; else the link between their regions (the same region: that region's own round trip);
 * else, when either host has no region, an ideal path (no delay, no loss).
 *
 * @param regions the regions, by name, in the order written
 * @param links the links between regions, in the order written, each under both orders of its two
 *     names ({@code "a -> b"} and {@code "b -> a"})
 * @param overrides per-direction overrides, keyed by {@code from + " -> " + to}
 * @param hostRegions each host's region, empty when it has none
 * @param seed the seed of every random choice the wire makes (loss, jitter), so runs repeat
 */
public record Geography(Map<String, Region> regions, Map<String, Link> links, Map<String, PathSpec> overrides,
        Map<String, String> hostRegions, long seed) implements PathTable {

    /** A region: hosts in it are {@code rtt} apart from each other. */
    public record Region(String name, Duration rtt, String note) {}

    /**
     * A link between two regions; each direction gets half the round trip as its delay, and the
     * other settings as they are (loss and rate apply to each direction on its own).
     */
    public record Link(String a, String b, Duration rtt, PathSpec oneWay, String note) {}

    public Geography {
        regions = ordered(regions);
        links = ordered(links);
        overrides = ordered(overrides);
        hostRegions = Map.copyOf(hostRegions);
    }

    /** An unmodifiable copy that keeps the order the file gave. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
    }

    /** Each link once, in the order written. */
    public List<Link> distinctLinks() {
        return links.values().stream().distinct().toList();
    }

    @Override
    public PathSpec path(String fromHost, String toHost) {
        PathSpec override = overrides.get(key(fromHost, toHost));
        if (override != null) {
            return override;
        }
        return regionPath(fromHost, toHost);
    }

    /** The path the regions alone give, before any override. */
    PathSpec regionPath(String fromHost, String toHost) {
        String from = hostRegions.getOrDefault(fromHost, "");
        String to = hostRegions.getOrDefault(toHost, "");
        if (from.isEmpty() || to.isEmpty()) {
            return PathSpec.IDEAL;
        }
        if (from.equals(to)) {
            Duration rtt = regions.get(from).rtt();
            return rtt.isZero() ? PathSpec.IDEAL : withDelay(PathSpec.IDEAL, rtt.dividedBy(2));
        }
        return links.get(key(from, to)).oneWay();
    }

    /** The configured round trip between two hosts: the delay there plus the delay back. */
    public Duration rtt(String a, String b) {
        return path(a, b).delay().plus(path(b, a).delay());
    }

    static String key(String from, String to) {
        return from + " -> " + to;
    }

    static PathSpec withDelay(PathSpec p, Duration delay) {
        return new PathSpec(delay, p.jitter(), p.loss(), p.rateBitsPerSecond(), p.queueLimit(), p.reorder());
    }
}
