package dev.roundtrip.app.db;

import dev.roundtrip.core.net.Network;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run the shared database: an H2 server on {@code listen} (a lab or loopback address, asked
 * of the {@link Network}), keeping database {@code databaseName} in {@code dataDir}.
 *
 * @param network where the server binds and where app servers connect
 * @param listen the address app servers reach the database at, e.g. 198.18.3.10:9092
 * @param dataDir the directory of the database file, created when missing
 * @param databaseName the file name of the database (H2 adds {@code .mv.db}), letters, digits, '-' and '_'
 */
public record DatabaseConfig(Network network, InetSocketAddress listen, Path dataDir, String databaseName) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public DatabaseConfig {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(databaseName, "databaseName");
        if (listen.getAddress() == null) {
            throw new IllegalArgumentException("database listen: '" + listen.getHostString() + "' is not an IP address");
        }
        if (!NAME.matcher(databaseName).matches()) {
            throw new IllegalArgumentException("database name: '" + databaseName
                    + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }
}
