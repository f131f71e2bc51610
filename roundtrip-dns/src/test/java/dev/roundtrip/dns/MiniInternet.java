package dev.roundtrip.dns;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.dns.zone.Zone;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The demo DNS hierarchy on an embedded network, for tests: root (198.18.0.4), com. (198.18.0.30),
 * example.com. (198.18.0.53) and the recursive resolver (198.18.0.2), all real servers on loopback.
 */
public final class MiniInternet implements AutoCloseable {
    public static final InetSocketAddress ROOT = new InetSocketAddress(DemoZones.ROOT_SERVER, 53);
    public static final InetSocketAddress TLD = new InetSocketAddress(DemoZones.TLD_SERVER, 53);
    public static final InetSocketAddress AUTH = new InetSocketAddress(DemoZones.EXAMPLE_COM_SERVER, 53);
    public static final InetSocketAddress RESOLVER = new InetSocketAddress(DemoZones.RESOLVER, 53);

    public final Network network = Network.embedded();
    public final AuthoritativeServer root;
    public final AuthoritativeServer tld;
    public final AuthoritativeServer auth;
    public final RecursiveResolver resolver;
    private final List<Service> started = new ArrayList<>();

    public MiniInternet(MonotonicClock clock) throws Exception {
        this(clock, c -> c, DemoZones.exampleCom());
    }

    public MiniInternet(MonotonicClock clock, UnaryOperator<RecursiveConfig> tune, Zone exampleCom) throws Exception {
        root = start(new AuthoritativeServer(new AuthoritativeConfig(network, ROOT, List.of(DemoZones.root()))));
        tld = start(new AuthoritativeServer(new AuthoritativeConfig(network, TLD, List.of(DemoZones.com()))));
        auth = start(new AuthoritativeServer(new AuthoritativeConfig(network, AUTH, List.of(exampleCom))));
        resolver = start(new RecursiveResolver(tune.apply(new RecursiveConfig(network, RESOLVER, DemoZones.rootServers(), clock))));
    }

    private <S extends Service> S start(S service) throws Exception {
        service.start().get();
        started.add(service);
        return service;
    }

    /** The real (loopback) address of a lab address. */
    public InetSocketAddress real(InetSocketAddress lab) {
        return network.connectAddress(lab);
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop(Duration.ZERO).get();
        }
    }
}
