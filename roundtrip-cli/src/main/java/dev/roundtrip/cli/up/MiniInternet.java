package dev.roundtrip.cli.up;

import dev.roundtrip.app.AppServer;
import dev.roundtrip.app.AppTopology;
import dev.roundtrip.app.db.DatabaseServer;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.dns.topology.DnsServices;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfigParser;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The services a topology describes, built on one {@link Network} in start order (the order the
 * file lists them). Each module reads its own services' settings ({@link DnsServices},
 * {@link AppTopology}, {@link EdgeConfigParser}); errors name the file, the field path, the value
 * and what is allowed.
 */
public final class MiniInternet {
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
     * @param baseDir where relative file names in the topology (zone files) are found
     * @param stateDir where databases keep their files
     * @throws TopologyException naming the field when a service's settings are wrong
     */
    public static MiniInternet build(Topology topology, String source, Path baseDir, Network network, MonotonicClock clock, Path stateDir) {
        List<Placed> placed = new ArrayList<>();
        DatabaseServer database = null; // the latest database above: what apps use unless they name one
        for (Host host : topology.hosts()) {
            for (ServiceSpec spec : host.services()) {
                Service service;
                try {
                    service = switch (spec.type()) {
                        case DNS_AUTHORITATIVE -> DnsServices.authoritative(network, host, spec, baseDir);
                        case DNS_RESOLVER -> DnsServices.resolver(network, host, spec, baseDir, clock);
                        case DATABASE -> {
                            DatabaseServer db = new DatabaseServer(AppTopology.databaseConfig(network, host, spec, stateDir));
                            database = db;
                            yield db;
                        }
                        case APP -> {
                            DatabaseServer db = database;
                            // The database's address is mapped when it is built, so its URL is known before it starts.
                            yield new AppServer(AppTopology.appConfig(network, host, spec, () -> {
                                if (db == null) {
                                    throw new TopologyException("", spec.path() + ".db", "is missing, and no host above runs a"
                                            + " 'database' service (add one before this app, or give a JDBC URL)");
                                }
                                return db.jdbcUrl();
                            }));
                        }
                        case LOAD_BALANCER -> new LoadBalancer(host.name() + " load balancer",
                                EdgeConfigParser.fromTopology(host, spec, source), network, clock);
                    };
                } catch (TopologyException e) {
                    throw new TopologyException(source, e.field(), e.problem());
                }
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

}
