package dev.roundtrip.trace.testing;

import dev.roundtrip.core.resolve.Resolution;
import dev.roundtrip.core.resolve.ResolutionException;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.RequestListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver with a fixed table that answers after a set delay, or fails with a set reason: the
 * "DNS server that answers after 30 ms" of the tracer's tests. Counts the questions it was asked.
 */
public final class DelayedResolver implements Resolver {
    private final Map<String, List<InetAddress>> table;
    private final Duration delay;
    private final ResolutionException.Reason failure;
    private final AtomicInteger asked = new AtomicInteger();

    public DelayedResolver(Map<String, List<InetAddress>> table, Duration delay, ResolutionException.Reason failure) {
        this.table = Map.copyOf(table);
        this.delay = delay;
        this.failure = failure;
    }

    public static DelayedResolver answering(String host, InetAddress address, Duration delay) {
        return new DelayedResolver(Map.of(host, List.of(address)), delay, null);
    }

    public static DelayedResolver failing(ResolutionException.Reason reason, Duration delay) {
        return new DelayedResolver(Map.of(), delay, reason);
    }

    public int asked() {
        return asked.get();
    }

    @Override
    public CompletableFuture<Resolution> resolve(String host, RequestListener listener) {
        asked.incrementAndGet();
        Executor later = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
        long sent = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
            List<InetAddress> addresses = table.get(host);
            if (failure != null || addresses == null) {
                ResolutionException.Reason r = failure == null ? ResolutionException.Reason.NXDOMAIN : failure;
                listener.dnsStep(new DnsStep(DnsStep.Source.QUERY, "127.0.0.1:5353", "test.", host + ". A", r.name(), System.nanoTime() - sent));
                throw new java.util.concurrent.CompletionException(new ResolutionException(host, r, "test resolver"));
            }
            listener.dnsStep(new DnsStep(DnsStep.Source.QUERY, "127.0.0.1:5353", "test.", host + ". A",
                    "answer " + addresses.getFirst().getHostAddress(), System.nanoTime() - sent));
            return new Resolution(host, addresses, false, List.of());
        }, later);
    }
}
