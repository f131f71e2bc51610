package dev.roundtrip.app;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An app server on a free loopback port for one test class, stopped on close. */
public final class RunningApp implements AutoCloseable {
    private final AppServer server;
    private final InetSocketAddress address;

    private RunningApp(AppServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static RunningApp start(String name, String jdbcUrl) {
        return start(AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), name, jdbcUrl));
    }

    public static RunningApp start(AppConfig config) {
        AppServer server = new AppServer(config);
        try {
            List<BoundAddress> bound = server.start().get(30, TimeUnit.SECONDS);
            return new RunningApp(server, bound.getFirst().real());
        } catch (Exception e) {
            server.stop(Duration.ZERO).join();
            throw new IllegalStateException("app server did not start: " + e, e);
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public AppServer server() {
        return server;
    }

    @Override
    public void close() throws Exception {
        server.stop(Duration.ofSeconds(2)).get(15, TimeUnit.SECONDS);
    }
}
