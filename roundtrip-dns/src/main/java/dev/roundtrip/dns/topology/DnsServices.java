package dev.roundtrip.dns.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.CacheLimits;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.recursive.ResolutionLimits;
import dev.roundtrip.dns.transport.ListenerLimits;
import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.dns.zone.RootHints;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.dns.zone.ZoneException;
import dev.roundtrip.dns.zone.ZoneLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Builds the DNS services a topology places on its hosts, validating their settings in one step:
 *
 * <pre>
 * - type: dns-authoritative
 *   zones: [root.zone]               # files (relative to the topology's folder) or the built-in demo zones
 * - type: dns-resolver
 *   root-hints: root.hints           # optional: a file, or the built-in demo hints (the default)
 *   max-cache-ttl: 86400             # optional, seconds
 *   max-negative-ttl: 3600           # optional, seconds
 *   max-cache-entries: 100000        # optional
 *   qname-minimisation: true         # optional
 * </pre>
 *
 * Errors are {@link TopologyException}s naming the field, the value and what is allowed.
 */
public final class DnsServices {
    private static final Set<String> AUTHORITATIVE_KEYS = Set.of("zones", "max-cname-chain");
    private static final Set<String> RESOLVER_KEYS = Set.of("root-hints", "max-cache-ttl", "max-negative-ttl", "max-cache-entries",
            "qname-minimisation");

    private DnsServices() {}

    /** The authoritative server of {@code spec} on {@code host}; zone file names resolve against {@code baseDir}. */
    public static AuthoritativeServer authoritative(Network network, Host host, ServiceSpec spec, Path baseDir) {
        require(spec, ServiceType.DNS_AUTHORITATIVE);
        JsonNode settings = spec.settings();
        checkKeys(spec, AUTHORITATIVE_KEYS);
        JsonNode zones = settings.path("zones");
        if (!zones.isArray() || zones.isEmpty()) {
            throw new TopologyException("", spec.path() + ".zones", "missing: a list of zone files, e.g. [example.com.zone] "
                    + "(built in: root.zone, com.zone, example.com.zone)");
        }
        List<Zone> loaded = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            loaded.add(zone(zones.get(i).asText(), baseDir, spec.path() + ".zones[" + i + "]"));
        }
        int maxCname = intSetting(spec, "max-cname-chain", AuthoritativeConfig.DEFAULT_MAX_CNAME_CHAIN, 1, 32);
        try {
            return new AuthoritativeServer(new AuthoritativeConfig(host.name() + " dns", network,
                    new InetSocketAddress(host.address(), spec.port()), loaded, maxCname, ListenerLimits.DEFAULT));
        } catch (IllegalArgumentException e) {
            throw new TopologyException("", spec.path(), e.getMessage());
        }
    }

    /** The recursive resolver of {@code spec} on {@code host}. */
    public static RecursiveResolver resolver(Network network, Host host, ServiceSpec spec, Path baseDir, MonotonicClock clock) {
        require(spec, ServiceType.DNS_RESOLVER);
        checkKeys(spec, RESOLVER_KEYS);
        JsonNode hints = spec.settings().path("root-hints");
        List<InetSocketAddress> roots;
        if (hints.isMissingNode() || hints.asText().equals("root.hints") && !Files.exists(baseDir.resolve("root.hints"))) {
            roots = DemoZones.rootServers();
        } else {
            Path file = baseDir.resolve(hints.asText());
            try {
                roots = RootHints.load(file).servers(53);
            } catch (ZoneException e) {
                throw new TopologyException("", spec.path() + ".root-hints", "'" + hints.asText() + "': " + e.getMessage());
            }
        }
        CacheLimits cache = new CacheLimits(
                intSetting(spec, "max-cache-entries", CacheLimits.DEFAULT.maxEntries(), 0, 10_000_000),
                CacheLimits.DEFAULT.maxBytes(),
                Duration.ofSeconds(intSetting(spec, "max-cache-ttl", (int) CacheLimits.DEFAULT.maxCacheTtl().toSeconds(), 0, 604_800)),
                Duration.ofSeconds(intSetting(spec, "max-negative-ttl", (int) CacheLimits.DEFAULT.maxNegativeTtl().toSeconds(), 0, 86_400)));
        JsonNode minimise = spec.settings().path("qname-minimisation");
        if (!minimise.isMissingNode() && !minimise.isBoolean()) {
            throw new TopologyException("", spec.path() + ".qname-minimisation", "'" + minimise.asText() + "' is not true or false");
        }
        return new RecursiveResolver(new RecursiveConfig(host.name() + " resolver", network,
                new InetSocketAddress(host.address(), spec.port()), roots, clock, cache, ResolutionLimits.DEFAULT,
                minimise.isMissingNode() || minimise.asBoolean(), ListenerLimits.DEFAULT, List.of()));
    }

    /** A zone by file name (relative to {@code baseDir}) or, if no such file exists, a built-in demo zone. */
    static Zone zone(String ref, Path baseDir, String field) {
        Path file = baseDir.resolve(ref);
        try {
            if (Files.exists(file)) {
                return ZoneLoader.load(file);
            }
            if (DnsServices.class.getClassLoader().getResource(DemoZones.RESOURCE_DIR + ref) != null && !ref.contains("/")) {
                return ZoneLoader.loadResource(DemoZones.RESOURCE_DIR + ref);
            }
        } catch (ZoneException e) {
            throw new TopologyException("", field, "'" + ref + "': " + e.getMessage());
        }
        throw new TopologyException("", field, "'" + ref + "': no such file in " + baseDir.toAbsolutePath()
                + " and not a built-in zone (root.zone, com.zone, example.com.zone)");
    }

    private static void require(ServiceSpec spec, ServiceType type) {
        if (spec.type() != type) {
            throw new IllegalArgumentException(spec.path() + " is a " + spec.type().yamlName() + ", not a " + type.yamlName());
        }
    }

    private static void checkKeys(ServiceSpec spec, Set<String> allowed) {
        for (Iterator<String> it = spec.settings().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new TopologyException("", spec.path() + "." + key, "unknown key (allowed: type, port, "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static int intSetting(ServiceSpec spec, String key, int defaultValue, int min, int max) {
        JsonNode n = spec.settings().path(key);
        if (n.isMissingNode()) {
            return defaultValue;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min || n.asInt() > max) {
            throw new TopologyException("", spec.path() + "." + key, "'" + n.asText() + "' is not a whole number in " + min + "-" + max);
        }
        return n.asInt();
    }
}
