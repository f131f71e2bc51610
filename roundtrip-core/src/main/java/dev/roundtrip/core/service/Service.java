package dev.roundtrip.core.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A server roundtrip runs: a DNS server, the load balancer, an app server, the database.
 *
 * <p>Contract: {@link #start()} is called once; its future completes with every address the service
 * bound (or fails with the reason, leaving nothing bound). {@link #health()} may be called from any
 * thread at any time. {@link #stop(Duration)} drains: it stops accepting, lets in-flight work finish
 * for at most {@code grace}, then closes everything; it is idempotent and safe to call after a
 * failed start.
 */
public interface Service {

    /** The name shown in progress lines and tables, e.g. "a.root-servers.net dns". */
    String name();

    /** Starts the service; completes with the addresses it bound. */
    CompletableFuture<List<BoundAddress>> start();

    /** Whether the service is serving now. */
    Health health();

    /** Stops accepting, drains for at most {@code grace}, then releases everything. */
    CompletableFuture<Void> stop(Duration grace);
}
