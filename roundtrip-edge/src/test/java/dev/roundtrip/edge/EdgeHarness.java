package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.http.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A started {@link LoadBalancer} for a test, stopped on close. */
final class EdgeHarness implements AutoCloseable {
    final LoadBalancer lb;
    final List<BoundAddress> bound;

    EdgeHarness(EdgeConfig config) throws Exception {
        lb = new LoadBalancer("test-lb", config, Network.embedded(), MonotonicClock.SYSTEM);
        bound = lb.start().get(20, TimeUnit.SECONDS);
    }

    /** A balancer on {@code config} run on {@code transport} (empty: the platform's best), which it checks it got. */
    static EdgeHarness on(EdgeConfig config, Optional<Transport> transport) throws Exception {
        EdgeHarness h = new EdgeHarness(config.withTransport(transport));
        try {
            assertThat(h.lb.transport()).isEqualTo(transport.orElseGet(Transport::best));
        } catch (AssertionError e) {
            h.close();
            throw e;
        }
        return h;
    }

    InetSocketAddress address(String protocol) {
        return bound.stream().filter(b -> b.protocol().equals(protocol)).findFirst().orElseThrow().real();
    }

    int port(String protocol) {
        return address(protocol).getPort();
    }

    @Override
    public void close() throws Exception {
        lb.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
    }
}
