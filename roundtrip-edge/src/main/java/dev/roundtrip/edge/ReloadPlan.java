package dev.roundtrip.edge;

import dev.roundtrip.edge.config.ClusterConfig;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.ListenerConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a live reload changes in the listeners, decided from the running and the new configuration
 * alone, before anything is touched ({@link LoadBalancer#reload} then does it). A listener keeps its
 * socket and connections when its name, address, TLS and protocols are unchanged (its routes may
 * change); otherwise the old one is drained and a new one bound. An endpoint keeps its state
 * (health, latency average, ejection, pooled connections) when {@link #keepsEndpoints} holds.
 *
 * @param kept listeners (as newly configured) whose socket stays; only their routes are swapped
 * @param bindFirst new listeners bound before the switch: when one cannot bind, the reload is
 *     rejected and nothing changes
 * @param removed running listeners closed and drained after the switch
 * @param bindAfterRemoval new listeners on a port that a removed listener holds: bound once it is
 *     closed
 * @param restartOnly top-level keys whose change takes effect at the next start only
 */
public record ReloadPlan(List<ListenerConfig> kept, List<ListenerConfig> bindFirst, List<ListenerConfig> removed,
        List<ListenerConfig> bindAfterRemoval, List<String> restartOnly) {

    public ReloadPlan {
        kept = List.copyOf(kept);
        bindFirst = List.copyOf(bindFirst);
        removed = List.copyOf(removed);
        bindAfterRemoval = List.copyOf(bindAfterRemoval);
        restartOnly = List.copyOf(restartOnly);
    }

    /** The plan for going from {@code running} to {@code next}. */
    public static ReloadPlan of(EdgeConfig running, EdgeConfig next) {
        Map<String, ListenerConfig> old = running.listeners().stream()
                .collect(Collectors.toMap(ListenerConfig::name, Function.identity()));
        List<ListenerConfig> kept = new ArrayList<>();
        List<ListenerConfig> added = new ArrayList<>();
        for (ListenerConfig l : next.listeners()) {
            ListenerConfig before = old.get(l.name());
            if (before != null && sameSocket(before, l)) {
                kept.add(l);
            } else {
                added.add(l);
            }
        }
        List<String> keptNames = kept.stream().map(ListenerConfig::name).toList();
        List<ListenerConfig> removed = running.listeners().stream().filter(l -> !keptNames.contains(l.name())).toList();
        List<ListenerConfig> bindFirst = new ArrayList<>();
        List<ListenerConfig> bindAfter = new ArrayList<>();
        for (ListenerConfig l : added) {
            boolean portTaken = l.address().getPort() != 0 && removed.stream().anyMatch(r -> samePort(r.address(), l.address()));
            (portTaken ? bindAfter : bindFirst).add(l);
        }
        List<String> restartOnly = new ArrayList<>();
        if (running.workers() != next.workers()) {
            restartOnly.add("workers");
        }
        if (!running.transport().equals(next.transport())) {
            restartOnly.add("transport");
        }
        if (!running.admin().equals(next.admin())) {
            restartOnly.add("admin");
        }
        if (!running.limits().equals(next.limits())) {
            restartOnly.add("limits");
        }
        if (running.accessLog() != next.accessLog()) {
            restartOnly.add("access_log");
        }
        return new ReloadPlan(kept, bindFirst, removed, bindAfter, restartOnly);
    }

    /**
     * Whether the endpoints of cluster {@code running} carry over to {@code next} (those at the same
     * address): same name, health check, outlier detection and pool settings, which is what an
     * endpoint's health state and pooled connections were made with. Policy, timeouts and retry
     * policy may change without touching the endpoints.
     */
    public static boolean keepsEndpoints(ClusterConfig running, ClusterConfig next) {
        return running.name().equals(next.name())
                && running.healthCheck().equals(next.healthCheck())
                && running.outlierDetection().equals(next.outlierDetection())
                && running.pool().equals(next.pool())
                && running.upstreamProtocol() == next.upstreamProtocol();
    }

    private static boolean sameSocket(ListenerConfig a, ListenerConfig b) {
        return a.address().equals(b.address()) && a.tls().equals(b.tls()) && a.http2() == b.http2();
    }

    private static boolean samePort(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && (Objects.equals(a.getAddress(), b.getAddress())
                || a.getAddress().isAnyLocalAddress() || b.getAddress().isAnyLocalAddress());
    }
}
