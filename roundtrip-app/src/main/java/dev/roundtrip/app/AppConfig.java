package dev.roundtrip.app;

import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.core.net.Network;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run one app server: where it listens, what it calls itself in {@code X-Served-By}, which
 * database it uses and how large its pool is, and the limits that keep one client from taking it
 * over. Validated in one step: a config that exists can start.
 *
 * @param network where the server binds (lab addresses through the embedded or host network)
 * @param listen the address to serve HTTP/1.1 and h2c on, e.g. 198.18.2.11:8080 or 127.0.0.1:0
 * @param name the instance name, e.g. "app-1": letters, digits, '.', '_' and '-'
 * @param jdbcUrl {@code jdbc:h2:...} (file, or tcp to a {@link dev.roundtrip.app.db.DatabaseServer})
 *     or {@code jdbc:postgresql://...}
 * @param poolSize connections in the pool, 1 to 256 (the article's connection pooling)
 * @param limits bounds on requests, bodies, pages and waiting
 */
public record AppConfig(Network network, InetSocketAddress listen, String name, String jdbcUrl, int poolSize, Limits limits) {
    public static final int DEFAULT_POOL_SIZE = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");

    public AppConfig {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(limits, "limits");
        if (listen.getAddress() == null) {
            throw new IllegalArgumentException("listen: '" + listen.getHostString() + "' is not an IP address");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' must be 1 to 63 letters, digits, '.', '_' or '-'");
        }
        JdbcUrls.kindOf(jdbcUrl); // names the URL and what is supported
        requireRange("poolSize", poolSize, 1, 256);
    }

    /** An app server with the default pool size and limits. */
    public static AppConfig of(Network network, InetSocketAddress listen, String name, String jdbcUrl) {
        return new AppConfig(network, listen, name, jdbcUrl, DEFAULT_POOL_SIZE, Limits.DEFAULTS);
    }

    public AppConfig withPoolSize(int size) {
        return new AppConfig(network, listen, name, jdbcUrl, size, limits);
    }

    public AppConfig withLimits(Limits newLimits) {
        return new AppConfig(network, listen, name, jdbcUrl, poolSize, newLimits);
    }

    /**
     * The bounds of one app server; every one has a safe default in {@link #DEFAULTS}.
     *
     * @param maxBodyBytes largest request body accepted; larger gets 413
     * @param maxHeaderBytes largest header block accepted; larger gets 431
     * @param maxInitialLineBytes longest request line accepted; longer gets 414
     * @param maxInFlight requests being processed at once across all connections; more get 503
     * @param maxPipelined requests queued on one HTTP/1.1 connection behind the one being served;
     *     a client that pipelines more is disconnected
     * @param maxConcurrentStreams HTTP/2 streams open at once on one connection (SETTINGS)
     * @param defaultPageSize users per page when {@code ?limit=} is absent
     * @param maxPageSize largest {@code ?limit=} accepted; larger gets 400
     * @param poolTimeout how long a request may wait for a database connection before 503
     * @param idleTimeout how long a connection may stay silent (nothing read) before it is closed
     * @param maxConnections client connections open at once; more are closed as they arrive
     */
    public record Limits(int maxBodyBytes, int maxHeaderBytes, int maxInitialLineBytes, int maxInFlight, int maxPipelined,
                         int maxConcurrentStreams, int defaultPageSize, int maxPageSize, Duration poolTimeout,
                         Duration idleTimeout, int maxConnections) {
        public static final Limits DEFAULTS = new Limits(64 * 1024, 16 * 1024, 8 * 1024, 1024, 16, 128, 20, 100,
                Duration.ofSeconds(2), Duration.ofSeconds(60), 10_000);

        public Limits {
            requireRange("maxBodyBytes", maxBodyBytes, 64, 16 * 1024 * 1024);
            requireRange("maxHeaderBytes", maxHeaderBytes, 1024, 1024 * 1024);
            requireRange("maxInitialLineBytes", maxInitialLineBytes, 256, 1024 * 1024);
            requireRange("maxInFlight", maxInFlight, 1, 1_000_000);
            requireRange("maxPipelined", maxPipelined, 0, 1024);
            requireRange("maxConcurrentStreams", maxConcurrentStreams, 1, 10_000);
            requireRange("maxPageSize", maxPageSize, 1, 10_000);
            requireRange("defaultPageSize", defaultPageSize, 1, maxPageSize);
            Objects.requireNonNull(poolTimeout, "poolTimeout");
            if (poolTimeout.toMillis() < 250 || poolTimeout.toMinutes() > 10) {
                throw new IllegalArgumentException("poolTimeout: " + poolTimeout.toMillis() + " ms is outside 250 ms to 10 min");
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.toMillis() < 100 || idleTimeout.toHours() > 24) {
                throw new IllegalArgumentException("idleTimeout: " + idleTimeout.toMillis() + " ms is outside 100 ms to 24 h");
            }
            requireRange("maxConnections", maxConnections, 1, 1_000_000);
        }

        public Limits withMaxBodyBytes(int bytes) {
            return new Limits(bytes, maxHeaderBytes, maxInitialLineBytes, maxInFlight, maxPipelined, maxConcurrentStreams,
                    defaultPageSize, maxPageSize, poolTimeout, idleTimeout, maxConnections);
        }

        public Limits withPoolTimeout(Duration timeout) {
            return new Limits(maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, maxInFlight, maxPipelined, maxConcurrentStreams,
                    defaultPageSize, maxPageSize, timeout, idleTimeout, maxConnections);
        }

        public Limits withIdleTimeout(Duration timeout) {
            return new Limits(maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, maxInFlight, maxPipelined, maxConcurrentStreams,
                    defaultPageSize, maxPageSize, poolTimeout, timeout, maxConnections);
        }

        public Limits withMaxConnections(int connections) {
            return new Limits(maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, maxInFlight, maxPipelined, maxConcurrentStreams,
                    defaultPageSize, maxPageSize, poolTimeout, idleTimeout, connections);
        }
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + value + " is outside " + min + " to " + max);
        }
    }
}
