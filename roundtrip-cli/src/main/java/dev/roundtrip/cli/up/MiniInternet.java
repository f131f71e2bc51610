package dev.roundtrip.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.AppServer;
import dev.roundtrip.app.db.DatabaseConfig;
import dev.roundtrip.app.db.DatabaseServer;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.zone.RootHints;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.dns.zone.ZoneLoader;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigException;
import dev.roundtrip.edge.config.EdgeConfigParser;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The services a topology describes, built on one {@link Network} in start order (the order the
 * file lists them). This is where the topology's type-specific settings are read: each is checked
 * here, and errors name the field path, the value and what is allowed.
 */
public final class MiniInternet {
    /** Zone files and root hints that ship with roundtrip, found by bare name ("root.zone"). */
    private static final String BUNDLED_ZONES = "dev/roundtrip/dns/zones/";

    /** One service of the topology and where it came from. */
    public record Placed(Host host, ServiceSpec spec, Service service) {
        public InetSocketAddress labAddress() {
            return new InetSocketAddress(host.address(), spec.port());
        }
    }

    private final Topology topology;
    private final List<Placed> services;

    private MiniInternet(Topology topology, List<Placed> services) {
        this.topology = topology;
        this.services = List.copyOf(services);
    }

    /**
     * Builds every service of {@code topology}; nothing is bound yet.
     *
     * @param source names the topology in error messages
     * @param stateDir where databases keep their files
     * @throws TopologyException naming the field when a service's settings are wrong
     */
    public static MiniInternet build(Topology topology, String source, Network network, MonotonicClock clock, Path stateDir) {
        List<Placed> placed = new ArrayList<>();
        Map<String, DatabaseServer> databases = new HashMap<>();
        for (Host host : topology.hosts()) {
            for (ServiceSpec spec : host.services()) {
                Settings s = new Settings(source, spec);
                InetSocketAddress listen = new InetSocketAddress(host.address(), spec.port());
                Service service = switch (spec.type()) {
                    case DNS_AUTHORITATIVE -> {
                        s.allow("zones");
                        List<Zone> zones = new ArrayList<>();
                        for (String zone : s.stringList("zones")) {
                            zones.add(s.load("zones", zone, () -> isFile(zone) ? ZoneLoader.load(Path.of(zone)) : ZoneLoader.loadResource(BUNDLED_ZONES + zone)));
                        }
                        if (zones.isEmpty()) {
                            throw s.error("zones", "is empty (a DNS server needs at least one zone file)");
                        }
                        yield new AuthoritativeServer(s.config(() -> new AuthoritativeConfig(host.name() + " (dns)", network, listen, zones,
                                AuthoritativeConfig.DEFAULT_MAX_CNAME_CHAIN, dev.roundtrip.dns.transport.ListenerLimits.DEFAULT)));
                    }
                    case DNS_RESOLVER -> {
                        s.allow("root-hints");
                        String hintsName = s.string("root-hints", "root.hints");
                        RootHints hints = s.load("root-hints", hintsName,
                                () -> isFile(hintsName) ? RootHints.load(Path.of(hintsName)) : RootHints.loadResource(BUNDLED_ZONES + hintsName));
                        List<InetSocketAddress> roots = hints.addresses().stream().map(a -> new InetSocketAddress(a, 53)).toList();
                        RecursiveConfig defaults = new RecursiveConfig(network, listen, roots, clock);
                        yield new RecursiveResolver(s.config(() -> new RecursiveConfig(host.name() + " (recursive dns)", network, listen, roots, clock,
                                defaults.cache(), defaults.limits(), defaults.qnameMinimisation(), defaults.listener(), defaults.stubZones())));
                    }
                    case DATABASE -> {
                        s.allow("name");
                        String name = s.string("name", "users");
                        DatabaseServer db = new DatabaseServer(s.config(() -> new DatabaseConfig(network, listen, stateDir.resolve("db").resolve(host.name()), name)));
                        databases.put(host.name(), db);
                        yield db;
                    }
                    case APP -> {
                        s.allow("database");
                        String dbHost = s.string("database", null);
                        if (dbHost == null) {
                            throw s.error("database", "is missing (the name of a host above with a 'database' service)");
                        }
                        DatabaseServer db = databases.get(dbHost);
                        if (db == null) {
                            throw s.error("database", "'" + dbHost + "' is not a host listed above with a 'database' service (allowed: "
                                    + (databases.isEmpty() ? "none yet" : String.join(", ", databases.keySet())) + ")");
                        }
                        // The database's address is mapped when it is built, so its URL is known before it starts.
                        yield new AppServer(s.config(() -> AppConfig.of(network, listen, host.name(), db.jdbcUrl())));
                    }
                    case LOAD_BALANCER -> {
                        EdgeConfig config;
                        try {
                            config = EdgeConfigParser.parse(spec.settings(), spec.path(), listen);
                        } catch (EdgeConfigException e) {
                            throw new TopologyException(source, e.field(), e.problem());
                        }
                        yield new LoadBalancer(host.name() + " (load balancer)", config, network, clock);
                    }
                };
                placed.add(new Placed(host, spec, service));
            }
        }
        return new MiniInternet(topology, placed);
    }

    public Topology topology() {
        return topology;
    }

    /** Every service in start order. */
    public List<Placed> placed() {
        return services;
    }

    public List<Service> services() {
        return services.stream().map(Placed::service).toList();
    }

    /** The first service of this type, if the topology has one. */
    public Optional<Placed> first(ServiceType type) {
        return services.stream().filter(p -> p.spec().type() == type).findFirst();
    }

    private static boolean isFile(String name) {
        return name.contains("/") || Files.isRegularFile(Path.of(name));
    }

    /** Reads one service's settings, reporting errors under its path. */
    private static final class Settings {
        private final String source;
        private final ServiceSpec spec;

        Settings(String source, ServiceSpec spec) {
            this.source = source;
            this.spec = spec;
        }

        TopologyException error(String key, String problem) {
            return new TopologyException(source, spec.path() + "." + key, problem);
        }

        void allow(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Iterator<String> it = spec.settings().fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw error(key, "unknown key for a " + spec.type().yamlName() + " service (allowed: type, port"
                            + (keys.length == 0 ? "" : ", " + String.join(", ", keys)) + ")");
                }
            }
        }

        String string(String key, String fallback) {
            JsonNode node = spec.settings().get(key);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isValueNode() || node.asText().isBlank()) {
                throw error(key, "expected a non-empty text value");
            }
            return node.asText();
        }

        List<String> stringList(String key) {
            JsonNode node = spec.settings().get(key);
            if (node == null || node.isNull()) {
                throw error(key, "is missing (a list, e.g. [example.com.zone])");
            }
            if (!node.isArray()) {
                throw error(key, "expected a list, e.g. [example.com.zone], found '" + node.asText() + "'");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isValueNode() || item.asText().isBlank()) {
                    throw new TopologyException(source, spec.path() + "." + key + "[" + i + "]", "expected a non-empty text value");
                }
                out.add(item.asText());
            }
            return out;
        }

        <T> T load(String key, String value, java.util.function.Supplier<T> loader) {
            try {
                return loader.get();
            } catch (RuntimeException e) {
                throw error(key, "'" + value + "': " + e.getMessage() + " (a file path, or one of the bundled files: root.zone, com.zone, example.com.zone, root.hints)");
            }
        }

        <T> T config(java.util.function.Supplier<T> build) {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                throw new TopologyException(source, spec.path(), e.getMessage());
            }
        }
    }
}
