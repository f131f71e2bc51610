package dev.roundtrip.cli;

import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.AppServer;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.app.db.StateDir;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.ServiceGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roundtrip app}: runs one app server, the {@code /users} API over HTTP/1.1 and h2c, on an
 * embedded H2 file (created and seeded on first start) or on PostgreSQL, until interrupted.
 */
@Command(name = "app",
        mixinStandardHelpOptions = true,
        description = {
                "Serve the /users API over HTTP/1.1 and h2c on a real database (H2 or PostgreSQL).",
                "Responses carry Server-Timing (app, db, db-pool) and X-Served-By (the instance).",
                "",
                "  GET /users?limit=&cursor=    POST /users    GET /healthz",
                "  GET|PUT|DELETE /users/{id}   (PUT needs If-Match)",
                "",
                "Without --db the users live in an H2 file under $ROUNDTRIP_HOME/app/NAME",
                "(default ~/.roundtrip/app/NAME), created and seeded on first start.",
                ""},
        footer = {"", "Examples:",
                "  roundtrip app --listen 127.0.0.1:8080",
                "  roundtrip app --listen 127.0.0.1:8081 --name app-2 \\",
                "      --db 'jdbc:postgresql://127.0.0.1:5432/roundtrip?user=roundtrip&password=...'",
                "  curl -s http://127.0.0.1:8080/users/1 -D -",
                "",
                "Exit codes: 0 stopped by a signal, 1 could not start, 2 bad arguments."})
final class AppCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT",
            description = "Address to serve on, e.g. 127.0.0.1:8080 or [::1]:8080.")
    String listen;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://HOST:PORT/DB?user=..&password=.. or jdbc:h2:... (default: an H2 file under the state directory).")
    String db;

    @Option(names = "--name", defaultValue = "app", paramLabel = "NAME",
            description = "Instance name, sent in X-Served-By (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--pool-size", defaultValue = "" + AppConfig.DEFAULT_POOL_SIZE, paramLabel = "N",
            description = "Database connections in the pool (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Override
    public Integer call() throws Exception {
        AppConfig config;
        try {
            InetSocketAddress address = HostPort.parse(listen);
            String jdbcUrl = db == null ? StateDir.defaultJdbcUrl(name) : db;
            config = AppConfig.of(Network.host(), address, name, jdbcUrl).withPoolSize(poolSize);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        AppServer server = new AppServer(config);
        ServiceGroup group = ServiceRunner.start(server);
        List<BoundAddress> bound = group.started().getFirst().addresses();
        System.out.println(config.name() + " serving http://" + HostPort.format(bound.getFirst().labAddress())
                + " (HTTP/1.1, h2c) on " + JdbcUrls.redact(config.jdbcUrl()) + "; Ctrl-C stops");
        ServiceRunner.runUntilStopped(() -> group.stopAll(Duration.ofSeconds(5)));
        return 0;
    }
}
