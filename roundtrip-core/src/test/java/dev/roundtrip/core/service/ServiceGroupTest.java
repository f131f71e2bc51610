package dev.roundtrip.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ServiceGroupTest {
    private final List<String> log = new ArrayList<>();

    private final class Recorded implements Service {
        private final String name;
        private final Throwable failure;

        Recorded(String name, Throwable failure) {
            this.name = name;
            this.failure = failure;
        }

        @Override public String name() { return name; }

        @Override
        public CompletableFuture<List<BoundAddress>> start() {
            log.add("start " + name);
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
            return CompletableFuture.completedFuture(List.of(new BoundAddress("test", a, a)));
        }

        @Override public Health health() { return Health.serving(); }

        @Override
        public CompletableFuture<Void> stop(Duration grace) {
            log.add("stop " + name);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void startsInOrderAndStopsInReverse() {
        ServiceGroup group = new ServiceGroup(Duration.ofSeconds(5), ServiceGroup.Listener.NONE);
        group.startAll(List.of(new Recorded("root", null), new Recorded("tld", null), new Recorded("resolver", null)));
        group.stopAll(Duration.ofSeconds(1));
        assertThat(log).containsExactly("start root", "start tld", "start resolver", "stop resolver", "stop tld", "stop root");
    }

    @Test
    void aFailedStartStopsWhatStartedAndNamesTheService() {
        ServiceGroup group = new ServiceGroup(Duration.ofSeconds(5), ServiceGroup.Listener.NONE);
        assertThatThrownBy(() -> group.startAll(List.of(new Recorded("root", null),
                new Recorded("tld", new BindException("Address already in use")), new Recorded("never", null))))
                .isInstanceOf(ServiceStartException.class)
                .hasMessage("tld: address already in use or not available (Address already in use)");
        assertThat(log).containsExactly("start root", "start tld", "stop tld", "stop root");
        assertThat(group.started()).isEmpty();
    }

    @Test
    void nativeTransportBindFailuresReadTheSame() {
        ServiceGroup group = new ServiceGroup(Duration.ofSeconds(5), ServiceGroup.Listener.NONE);
        assertThatThrownBy(() -> group.startAll(List.of(new Recorded("lb",
                new java.io.IOException("bind(..) failed: Address already in use")))))
                .hasMessage("lb: address already in use or not available (bind(..) failed: Address already in use)");
    }
}
