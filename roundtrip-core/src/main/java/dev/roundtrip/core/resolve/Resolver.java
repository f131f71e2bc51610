package dev.roundtrip.core.resolve;

import dev.roundtrip.core.timeline.RequestListener;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a host name into addresses: the first step of every request. The HTTP client and the
 * tracing client take a {@code Resolver} and know nothing of DNS; the DNS module provides the stub
 * resolver that asks roundtrip's recursive resolver, and {@link SystemResolver} asks the OS.
 *
 * <p>Contract: never blocks the caller; the future fails with a {@link ResolutionException} whose
 * {@link ResolutionException.Reason} says what went wrong. The listener receives only
 * {@link RequestListener#dnsStep} events (the caller sends dnsStart/dnsEnd itself), from any
 * thread, before the future completes. IP literals resolve to themselves with no steps.
 */
public interface Resolver {

    CompletableFuture<Resolution> resolve(String host, RequestListener listener);

    default CompletableFuture<Resolution> resolve(String host) {
        return resolve(host, RequestListener.NONE);
    }
}
