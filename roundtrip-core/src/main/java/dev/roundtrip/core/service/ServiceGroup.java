package dev.roundtrip.core.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts services in the order given (dependencies first) and stops them in reverse. If one fails
 * to start, the ones already started are stopped before the failure is reported, so a failed
 * start leaves nothing listening.
 */
public final class ServiceGroup implements AutoCloseable {

    /** Told about each step; used for the progress lines of {@code roundtrip up}. Must not throw. */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void serviceStarting(Service service) {}

        default void serviceStarted(Service service, List<BoundAddress> addresses, long startNanos) {}

        default void serviceStopped(Service service) {}
    }

    /** A service and the addresses it bound. */
    public record Started(Service service, List<BoundAddress> addresses) {}

    private final List<Started> started = new ArrayList<>();
    private final Duration startTimeout;
    private final Listener listener;

    public ServiceGroup(Duration startTimeout, Listener listener) {
        this.startTimeout = startTimeout;
        this.listener = listener;
    }

    /**
     * Starts each service in turn, waiting for each to bind before the next (a resolver needs its
     * root server up).
     *
     * @throws ServiceStartException naming the service that failed; everything started is stopped
     */
    public synchronized List<Started> startAll(List<? extends Service> services) {
        for (Service service : services) {
            listener.serviceStarting(service);
            long t0 = System.nanoTime();
            try {
                List<BoundAddress> addresses = service.start().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
                started.add(new Started(service, List.copyOf(addresses)));
                listener.serviceStarted(service, addresses, System.nanoTime() - t0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopAfterFailure(service);
                throw new ServiceStartException(service.name(), "interrupted while starting", e);
            } catch (TimeoutException e) {
                stopAfterFailure(service);
                throw new ServiceStartException(service.name(), "did not start within " + startTimeout.toMillis() + " ms", e);
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                stopAfterFailure(service);
                throw new ServiceStartException(service.name(), ServiceStartException.describe(cause), cause);
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(started));
    }

    /** What has started so far, in start order. */
    public synchronized List<Started> started() {
        return List.copyOf(started);
    }

    /** Stops every started service in reverse order, each with {@code grace} to drain. */
    public synchronized void stopAll(Duration grace) {
        for (int i = started.size() - 1; i >= 0; i--) {
            Service service = started.get(i).service();
            try {
                service.stop(grace).get(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Keep stopping the rest: one stuck service must not keep the others' ports open.
            }
            listener.serviceStopped(service);
        }
        started.clear();
    }

    @Override
    public void close() {
        stopAll(Duration.ofSeconds(2));
    }

    private void stopAfterFailure(Service failed) {
        try {
            failed.stop(Duration.ZERO).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // It failed to start; releasing what it may hold is best effort.
        }
        stopAll(Duration.ofSeconds(1));
    }
}
