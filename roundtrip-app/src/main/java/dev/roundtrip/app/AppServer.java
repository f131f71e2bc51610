package dev.roundtrip.app;

import dev.roundtrip.app.api.AppServerInitializer;
import dev.roundtrip.app.api.Dispatcher;
import dev.roundtrip.app.api.ServerLoad;
import dev.roundtrip.app.api.UsersApi;
import dev.roundtrip.app.db.Database;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.app.db.Schema;
import dev.roundtrip.app.db.SchemaMigrator;
import dev.roundtrip.app.users.UserRepository;
import dev.roundtrip.app.ws.WebSocketLimits;
import dev.roundtrip.app.ws.WebSockets;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Health;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app server: the {@code /users} API over HTTP/1.1 and h2c on Netty, in front of a HikariCP
 * pool to H2 or PostgreSQL. Event loops only move bytes; each request runs on its own virtual
 * thread, where blocking JDBC is cheap. At start it connects to the database and brings the schema
 * up to date (seeding sample users into a new database), then binds.
 */
public final class AppServer implements Service {
    private static final Logger log = LoggerFactory.getLogger(AppServer.class);

    private final AppConfig config;
    private final MonotonicClock clock;
    private final Clock wallClock;
    private volatile Health health = Health.of(Health.Status.STARTING);
    private Database database;
    private ExecutorService requestThreads;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private volatile Dispatcher dispatcher;
    private volatile AppServerInitializer initializer;
    private volatile UsersApi api;
    private volatile WebSockets webSockets;

    public AppServer(AppConfig config) {
        this(config, MonotonicClock.SYSTEM, Clock.systemUTC());
    }

    /** With the clocks injected: {@code clock} times requests, {@code wallClock} stamps rows. */
    public AppServer(AppConfig config, MonotonicClock clock, Clock wallClock) {
        this.config = config;
        this.clock = clock;
        this.wallClock = wallClock;
    }

    @Override
    public String name() {
        return config.name();
    }

    public AppConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<List<BoundAddress>> start() {
        CompletableFuture<List<BoundAddress>> started = new CompletableFuture<>();
        Thread.ofVirtual().name(config.name() + "-start").start(() -> {
            try {
                started.complete(startBlocking());
            } catch (Exception e) {
                health = new Health(Health.Status.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
                release(Duration.ZERO);
                started.completeExceptionally(e);
            }
        });
        return started;
    }

    private synchronized List<BoundAddress> startBlocking() throws Exception {
        database = Database.open(config.jdbcUrl(), config.name() + "-pool", config.poolSize(), config.limits().poolTimeout(), clock);
        List<Integer> applied = new SchemaMigrator(Schema.migrations()).migrate(database.dataSource(), database.kind());
        api = new UsersApi(new UserRepository(database, wallClock), database, config.limits(), load());
        requestThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(config.name() + "-req-", 0).factory());
        dispatcher = new Dispatcher(config.name(), api, requestThreads, config.limits().maxInFlight(), clock);
        webSockets = new WebSockets(config.name(), WebSocketLimits.DEFAULTS);
        initializer = new AppServerInitializer(dispatcher, config.limits(), webSockets);

        Transport transport = Transport.best();
        bossGroup = transport.newGroup(1, config.name() + "-accept");
        workerGroup = transport.newGroup(0, config.name() + "-io");
        InetSocketAddress bind = config.network().bindAddress(config.listen());
        serverChannel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(bind).sync().channel();
        InetSocketAddress real = (InetSocketAddress) serverChannel.localAddress();
        InetSocketAddress lab = config.listen().getPort() == 0 ? real : config.listen();
        health = Health.serving();
        log.info("{} serving http://{} (HTTP/1.1, h2c) on {} via {} connections{}", config.name(), HostPort.format(lab),
                JdbcUrls.redact(config.jdbcUrl()), config.poolSize(), applied.isEmpty() ? "" : "; schema steps applied " + applied);
        return List.of(new BoundAddress("http", lab, real));
    }

    /** Serving, degraded while requests find the database failing, or where it is in its life. */
    @Override
    public Health health() {
        Health h = health;
        UsersApi a = api;
        if (h.status() == Health.Status.SERVING && a != null) {
            return a.databaseProblem().map(p -> new Health(Health.Status.DEGRADED, "database failing: " + p)).orElse(h);
        }
        return h;
    }

    /** The WebSocket endpoints (null before start). */
    public WebSockets webSockets() {
        return webSockets;
    }

    /** Requests being served right now (for draining and tests). */
    public int requestsInFlight() {
        Dispatcher d = dispatcher;
        return d == null ? 0 : d.inFlight(config.limits().maxInFlight());
    }

    /** Client connections open right now. */
    public int connections() {
        AppServerInitializer i = initializer;
        return i == null ? 0 : i.connections();
    }

    /** Connections and requests in flight, read live. */
    public ServerLoad load() {
        return new ServerLoad() {
            @Override
            public int connections() {
                return AppServer.this.connections();
            }

            @Override
            public int requestsInFlight() {
                return AppServer.this.requestsInFlight();
            }
        };
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread.ofVirtual().name(config.name() + "-stop").start(() -> {
            try {
                release(grace);
            } finally {
                stopped.complete(null);
            }
        });
        return stopped;
    }

    private synchronized void release(Duration grace) {
        if (health.status() == Health.Status.STOPPED) {
            return;
        }
        boolean failed = health.status() == Health.Status.FAILED;
        health = failed ? health : Health.of(Health.Status.STOPPING);
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly(); // stop accepting
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (requestsInFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, Math.max(100, grace.toMillis()), TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        if (requestThreads != null) {
            requestThreads.shutdownNow();
        }
        if (database != null) {
            database.close();
        }
        if (!failed) {
            health = Health.of(Health.Status.STOPPED);
        }
    }
}
