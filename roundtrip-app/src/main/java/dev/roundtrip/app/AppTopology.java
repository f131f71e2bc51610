package dev.roundtrip.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.app.db.DatabaseConfig;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.TopologyException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the app tier's services from a topology file into config records, in one step, naming the
 * field of any bad value:
 *
 * <pre>
 *   - type: app                      - type: database
 *     port: 8080                       port: 9092
 *     name: app-1         # host name    name: users      # database file name
 *     pool-size: 10                    data-dir: /var/lib/roundtrip/db   # default: state dir
 *     max-in-flight: 1024
 *     max-body-bytes: 65536
 *     db: jdbc:postgresql://...   # default: the topology's database
 * </pre>
 */
public final class AppTopology {
    private static final Set<String> APP_KEYS = Set.of("name", "pool-size", "max-in-flight", "max-body-bytes", "db");
    private static final Set<String> DATABASE_KEYS = Set.of("name", "data-dir");

    private AppTopology() {}

    /**
     * The config of an {@code app} service on {@code host}.
     *
     * @param defaultJdbcUrl the database to use when the service names none (e.g. the topology's
     *     {@link dev.roundtrip.app.db.DatabaseServer#jdbcUrl()}); asked only when needed
     * @throws TopologyException naming {@code spec.path()} and the key
     */
    public static AppConfig appConfig(Network network, Host host, ServiceSpec spec, Supplier<String> defaultJdbcUrl) {
        JsonNode settings = spec.settings();
        requireKnownKeys(spec, APP_KEYS);
        String name = text(spec, "name", host.name());
        String jdbcUrl = settings.hasNonNull("db") ? text(spec, "db", "") : defaultJdbcUrl.get();
        AppConfig.Limits defaults = AppConfig.Limits.DEFAULTS;
        try {
            AppConfig.Limits limits = new AppConfig.Limits(
                    integer(spec, "max-body-bytes", defaults.maxBodyBytes()), defaults.maxHeaderBytes(),
                    defaults.maxInitialLineBytes(), integer(spec, "max-in-flight", defaults.maxInFlight()),
                    defaults.maxPipelined(), defaults.maxConcurrentStreams(), defaults.defaultPageSize(),
                    defaults.maxPageSize(), defaults.poolTimeout(), defaults.idleTimeout(), defaults.maxConnections());
            return new AppConfig(network, new InetSocketAddress(host.address(), spec.port()), name, jdbcUrl,
                    integer(spec, "pool-size", AppConfig.DEFAULT_POOL_SIZE), limits);
        } catch (IllegalArgumentException e) {
            throw new TopologyException("", spec.path(), e.getMessage());
        }
    }

    /**
     * The config of a {@code database} service on {@code host}; its file lives under
     * {@code stateRoot/db/<host name>} unless {@code data-dir} says otherwise.
     */
    public static DatabaseConfig databaseConfig(Network network, Host host, ServiceSpec spec, Path stateRoot) {
        requireKnownKeys(spec, DATABASE_KEYS);
        String dataDir = text(spec, "data-dir", "");
        try {
            return new DatabaseConfig(network, new InetSocketAddress(host.address(), spec.port()),
                    dataDir.isEmpty() ? stateRoot.resolve("db").resolve(host.name()) : Path.of(dataDir),
                    text(spec, "name", "users"));
        } catch (IllegalArgumentException e) {
            throw new TopologyException("", spec.path(), e.getMessage());
        }
    }

    private static void requireKnownKeys(ServiceSpec spec, Set<String> allowed) {
        for (Iterator<String> keys = spec.settings().fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                throw new TopologyException("", spec.path() + "." + key, "unknown key for service type '" + spec.type().yamlName()
                        + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(ServiceSpec spec, String key, String fallback) {
        JsonNode node = spec.settings().get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new TopologyException("", spec.path() + "." + key, "'" + node + "' is not a non-empty string");
        }
        return node.asText();
    }

    private static int integer(ServiceSpec spec, String key, int fallback) {
        JsonNode node = spec.settings().get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new TopologyException("", spec.path() + "." + key, "'" + node.asText() + "' is not a whole number");
        }
        return node.intValue();
    }
}
