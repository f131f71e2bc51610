package dev.roundtrip.edge.cluster;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.edge.health.EndpointHealth;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One upstream server of a cluster, as the balancer sees it at run time: its address, its health,
 * and how many requests it has in flight (for least-request picking).
 */
public final class Endpoint {
    private final int id;
    private final String cluster;
    private final InetSocketAddress address;
    private final String label;
    private final EndpointHealth health;
    private final AtomicInteger active = new AtomicInteger();
    final LongAdder ejectionsCounter = new LongAdder();
    private final LatencyEwma latency = new LatencyEwma(10_000_000_000L);
    private volatile boolean retired;

    /**
     * @param id unique across the whole balancer for its lifetime, from 0 (indexes the per-loop pool arrays)
     */
    public Endpoint(int id, String cluster, InetSocketAddress address, EndpointHealth health) {
        this.id = id;
        this.cluster = cluster;
        this.address = address;
        this.label = HostPort.format(address);
        this.health = health;
    }

    public int id() {
        return id;
    }

    public String cluster() {
        return cluster;
    }

    /** The address as configured (a lab address, or loopback). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code ADDR:PORT}, for logs, metrics and error bodies. */
    public String label() {
        return label;
    }

    public EndpointHealth health() {
        return health;
    }

    /** Requests sent to this endpoint and not finished. */
    public int activeRequests() {
        return active.get();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestFinished() {
        active.decrementAndGet();
    }

    /** Takes this endpoint out of service for good (a reload removed it): it gets no new request. */
    public void retire() {
        retired = true;
    }

    /** Whether a reload removed this endpoint; requests already sent to it still finish. */
    public boolean retired() {
        return retired;
    }

    /** The decaying peak-sensitive average of this endpoint's response times. */
    public LatencyEwma latency() {
        return latency;
    }

    @Override
    public String toString() {
        return cluster + "/" + label;
    }
}
