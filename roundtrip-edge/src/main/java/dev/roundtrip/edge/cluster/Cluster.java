package dev.roundtrip.edge.cluster;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.balance.BalancePolicy;
import dev.roundtrip.edge.config.ClusterConfig;
import dev.roundtrip.edge.config.PolicyConfig;
import dev.roundtrip.edge.health.EndpointHealth;
import dev.roundtrip.http.client.UpstreamFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster at run time: its endpoints with their health, its balancing policy and retry budget.
 * Picks the endpoint for each attempt and takes each attempt's outcome into the endpoints' health.
 * A reload makes a new cluster from the new configuration that keeps the unchanged endpoints, the
 * counters and (when its settings did not change) the retry budget of the one it replaces.
 * Thread-safe.
 */
public final class Cluster {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    private final ClusterConfig config;
    private final List<Endpoint> endpoints;
    private final BalancePolicy policy;
    private final RetryBudget budget;
    private final MonotonicClock clock;
    private final LongAdder retries;
    private final LongAdder budgetExhausted;
    private final LongAdder staleRetries;

    /**
     * @param endpoints one per {@code config.endpoints()} address, in that order
     * @param previous the cluster of the same name this one replaces on a reload (its counters
     *     continue), or null
     */
    public Cluster(ClusterConfig config, List<Endpoint> endpoints, MonotonicClock clock, Cluster previous) {
        this.config = config;
        this.clock = clock;
        this.endpoints = List.copyOf(endpoints);
        this.policy = BalancePolicy.of(config.policy(), this.endpoints);
        boolean sameBudget = previous != null && previous.config.retry().budgetPercent() == config.retry().budgetPercent()
                && previous.config.retry().minRetriesPerSecond() == config.retry().minRetriesPerSecond();
        this.budget = sameBudget ? previous.budget
                : new RetryBudget(config.retry().budgetPercent(), config.retry().minRetriesPerSecond(), clock);
        this.retries = previous != null ? previous.retries : new LongAdder();
        this.budgetExhausted = previous != null ? previous.budgetExhausted : new LongAdder();
        this.staleRetries = previous != null ? previous.staleRetries : new LongAdder();
    }

    /**
     * A new endpoint of this cluster's configuration at {@code address}, with fresh health and
     * latency; its ejection count continues from {@code replaced} (the endpoint at the same address
     * that a reload replaces because its cluster's health or pool settings changed), if any.
     */
    public static Endpoint newEndpoint(int id, ClusterConfig config, java.net.InetSocketAddress address, Endpoint replaced) {
        Endpoint e = new Endpoint(id, config.name(), address, new EndpointHealth(config.healthCheck().orElse(null), config.outlierDetection()));
        if (replaced != null) {
            e.ejectionsCounter.add(replaced.ejectionsCounter.sum());
        }
        return e;
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public long retries() {
        return retries.sum();
    }

    /** Retries of requests whose pooled connection the upstream had closed (the keep-alive race). */
    public long staleConnectionRetries() {
        return staleRetries.sum();
    }

    /** Counts a retry after the keep-alive race (outside the budget). */
    public void failedOnStaleConnection() {
        staleRetries.increment();
        retries.increment();
    }

    public long retriesDeniedByBudget() {
        return budgetExhausted.sum();
    }

    /** The value the hashing policy hashes, or null (no hashing policy, or the request lacks it). */
    public String hashKey(HttpHeaders headers) {
        return switch (config.policy()) {
            case PolicyConfig.HashHeader h -> headers.get(h.header());
            case PolicyConfig.HashCookie c -> cookie(headers, c.cookie());
            default -> null;
        };
    }

    /**
     * For a cookie policy, a new affinity cookie for a client that sent none (as Envoy's hash
     * policy generates one): its random value is the request's hash key, and the client that sends
     * it back lands on the same endpoint while that endpoint is usable. Null for other policies.
     */
    public Cookie newAffinityCookie() {
        if (!(config.policy() instanceof PolicyConfig.HashCookie c)) {
            return null;
        }
        byte[] b = new byte[16];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        DefaultCookie cookie = new DefaultCookie(c.cookie(), java.util.HexFormat.of().formatHex(b));
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
        return cookie;
    }

    private static String cookie(HttpHeaders headers, String name) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(name)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }

    /**
     * The endpoint for the next attempt: a usable one not tried yet, else a usable one already
     * tried (a fresh connection to it may work), else null (the caller answers 503). An endpoint a
     * reload removed is never picked, even by a request that started before the reload.
     */
    public Endpoint pick(String hashKey, Collection<Endpoint> tried) {
        return pick(hashKey, tried, clock.nanoTime());
    }

    /** {@link #pick(String, Collection)} at {@code now}, a time the caller read from this cluster's clock a moment ago. */
    public Endpoint pick(String hashKey, Collection<Endpoint> tried, long now) {
        Endpoint e = policy.pick(endpoints, x -> !tried.contains(x) && !x.retired() && x.health().isAvailable(now), hashKey);
        if (e == null && !tried.isEmpty()) {
            e = policy.pick(endpoints, x -> !x.retired() && x.health().isAvailable(now), hashKey);
        }
        return e;
    }

    /** Counts an original request into the retry budget. */
    public void requestStarted() {
        budget.requestStarted();
    }

    /** Counts an original request, started at {@code nowNanos} on this cluster's clock, into the retry budget. */
    public void requestStarted(long nowNanos) {
        budget.requestStarted(nowNanos);
    }

    /** Asks the retry budget for one retry; counts the answer. */
    public boolean tryRetry() {
        if (budget.tryRetry()) {
            retries.increment();
            return true;
        }
        budgetExhausted.increment();
        return false;
    }

    /** An attempt on {@code e} got a response with {@code status} after {@code latencyNanos}. */
    public void responded(Endpoint e, int status, long latencyNanos) {
        responded(e, status, latencyNanos, clock.nanoTime());
    }

    /** {@link #responded(Endpoint, int, long)} at {@code nowNanos}, read from this cluster's clock a moment ago. */
    public void responded(Endpoint e, int status, long latencyNanos, long nowNanos) {
        e.latency().observe(latencyNanos, nowNanos);
        if (status >= 500) {
            failed(e, "answered " + status);
        } else {
            e.health().requestSucceeded();
        }
    }

    /** An attempt on {@code e} failed; connect failures and gateway failures count toward ejection. */
    public void failed(Endpoint e, UpstreamFailure failure) {
        if (failure.kind() == UpstreamFailure.Kind.POOL_FULL) {
            return; // our own limit, not the endpoint's fault
        }
        failed(e, failure.detail());
    }

    private void failed(Endpoint e, String why) {
        long now = clock.nanoTime();
        int ejected = 0;
        for (Endpoint x : endpoints) {
            if (x.health().isEjected(now)) {
                ejected++;
            }
        }
        int maxEjected = Math.max(1, endpoints.size() * config.outlierDetection().maxEjectionPercent() / 100);
        if (e.health().requestFailed(now, ejected < maxEjected) == EndpointHealth.Change.EJECTED) {
            e.ejectionsCounter.increment();
            log.warn("cluster {}: ejected {} after {} consecutive failures (last: {})", name(), e.label(),
                    config.outlierDetection().consecutiveFailures(), why);
        }
    }

    /** Ejections of {@code e} so far. */
    public static long ejections(Endpoint e) {
        return e.ejectionsCounter.sum();
    }

    /** Whether the retry policy lets this method be sent twice. */
    public boolean mayRepeat(String method) {
        return config.retry().mayRepeat(method);
    }
}
