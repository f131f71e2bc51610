package dev.roundtrip.app.db;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import dev.roundtrip.core.service.Service;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database several app servers share: H2 in server mode, listening on a lab address (through
 * the {@link dev.roundtrip.core.net.Network}) and keeping its data in one file. At start it creates
 * the database if needed, brings its schema up to date and seeds the sample users once, so app
 * servers find it ready; {@link #jdbcUrl()} is the URL they connect with.
 *
 * <p>H2 takes the address it binds from the JVM-wide {@code h2.bindAddress} property, read once
 * when H2 first loads. This server sets it before that happens and refuses to start when H2 has
 * already chosen another address, rather than listen on every interface.
 */
public final class DatabaseServer implements Service {
    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);
    private static final String BIND_PROPERTY = "h2.bindAddress";
    /** H2's administrator, without a password: the database is reachable from the lab network only. */
    private static final String USER = "sa";

    private final DatabaseConfig config;
    private final InetSocketAddress bind;
    private volatile Server server;
    private volatile Connection owner;
    private volatile Health health = Health.of(Health.Status.STARTING);

    public DatabaseServer(DatabaseConfig config) {
        this.config = config;
        this.bind = config.network().bindAddress(config.listen());
    }

    @Override
    public String name() {
        return "database " + config.databaseName();
    }

    /**
     * The URL app servers connect with, e.g. {@code jdbc:h2:tcp://127.0.0.1:40123/users;USER=sa}. Known
     * before start unless the server listens on port 0.
     *
     * @throws IllegalStateException when the port is 0 and the server has not started yet
     */
    public String jdbcUrl() {
        InetSocketAddress target;
        Server running = server;
        if (running != null) {
            target = config.network().connectAddress(new InetSocketAddress(config.listen().getAddress(),
                    config.listen().getPort() == 0 ? running.getPort() : config.listen().getPort()));
        } else if (config.listen().getPort() != 0) {
            target = config.network().connectAddress(config.listen());
        } else {
            throw new IllegalStateException("the database listens on port 0: its URL is known once it has started");
        }
        return "jdbc:h2:tcp://" + HostPort.format(target) + "/" + config.databaseName() + ";USER=" + USER;
    }

    @Override
    public synchronized CompletableFuture<List<BoundAddress>> start() {
        try {
            chooseBindAddress();
            Files.createDirectories(config.dataDir());
            owner = openOwner();
            List<Integer> applied = new SchemaMigrator(Schema.migrations()).migrate(embeddedDataSource(), JdbcUrls.Kind.H2);
            List<String> args = new ArrayList<>(List.of("-tcpPort", Integer.toString(bind.getPort()),
                    "-baseDir", config.dataDir().toString(), "-tcpDaemon"));
            if (!bind.getAddress().isLoopbackAddress()) {
                args.add("-tcpAllowOthers"); // other hosts' app servers connect over the lab network
            }
            server = Server.createTcpServer(args.toArray(String[]::new)).start();
            InetSocketAddress real = new InetSocketAddress(bind.getAddress(), server.getPort());
            InetSocketAddress lab = config.listen().getPort() == 0 ? real : config.listen();
            health = Health.serving();
            log.info("{} serving on {} ({}; schema steps applied now: {})", name(), HostPort.format(lab),
                    config.dataDir().resolve(config.databaseName() + ".mv.db"), applied);
            return CompletableFuture.completedFuture(List.of(new BoundAddress("h2/tcp", lab, real)));
        } catch (SQLException | IOException | RuntimeException e) {
            health = new Health(Health.Status.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
            release();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Health health() {
        Health h = health;
        if (!h.isServing()) {
            return h;
        }
        Server s = server;
        if (s == null || !s.isRunning(false)) {
            return new Health(Health.Status.FAILED, "H2 TCP server is not running");
        }
        return h;
    }

    @Override
    public synchronized CompletableFuture<Void> stop(Duration grace) {
        if (health.status() != Health.Status.STOPPED) {
            health = Health.of(Health.Status.STOPPING);
            release();
            health = Health.of(Health.Status.STOPPED);
        }
        return CompletableFuture.completedFuture(null);
    }

    private void release() {
        Server s = server;
        server = null;
        if (s != null) {
            s.stop(); // closes every client session
        }
        Connection c = owner;
        owner = null;
        if (c != null) {
            try (c; Statement st = c.createStatement()) {
                st.execute("SHUTDOWN"); // writes everything and closes the file cleanly
            } catch (SQLException e) {
                log.debug("database shutdown: {}", e.getMessage());
            }
        }
    }

    private void chooseBindAddress() throws UnknownHostException {
        String wanted = bind.getAddress().getHostAddress();
        if (System.getProperty(BIND_PROPERTY) == null) {
            System.setProperty(BIND_PROPERTY, wanted);
        }
        String chosen = org.h2.engine.SysProperties.BIND_ADDRESS; // loads H2's settings: read once per JVM
        if (chosen == null || chosen.isEmpty() || !InetAddress.getByName(chosen).equals(bind.getAddress())) {
            throw new IllegalStateException("H2 was loaded in this process before the database server and would bind "
                    + (chosen == null || chosen.isEmpty() ? "every interface" : chosen) + " instead of " + wanted
                    + ": start the database server before anything else uses H2");
        }
    }

    private Connection openOwner() throws SQLException {
        Connection c = DriverManager.getConnection(ownerUrl(), USER, "");
        try (Statement st = c.createStatement()) {
            st.execute("SET WRITE_DELAY 0"); // persistent: every commit reaches the file before it returns
        }
        return c;
    }

    private String ownerUrl() {
        return "jdbc:h2:file:" + config.dataDir().resolve(config.databaseName()) + ";WRITE_DELAY=0";
    }

    /** A data source that opens connections to the same embedded database as the owner connection. */
    private JdbcDataSource embeddedDataSource() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(ownerUrl());
        ds.setUser(USER);
        ds.setPassword("");
        return ds;
    }
}
