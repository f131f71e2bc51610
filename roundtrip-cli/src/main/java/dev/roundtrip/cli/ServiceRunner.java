package dev.roundtrip.cli;

import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.service.ServiceGroup;
import dev.roundtrip.core.service.ServiceStartException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs servers in the foreground for the commands that start them ({@code dns serve},
 * {@code dns resolver}, {@code lb}, {@code app}, {@code up}): start in order with one clear line
 * when something cannot start, then block until SIGINT or SIGTERM and drain before the JVM exits.
 */
public final class ServiceRunner {
    /** How long a command waits for its services to bind. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private ServiceRunner() {}

    /**
     * Starts {@code services} in order; nothing is left running when one fails.
     *
     * @throws CommandFailure exit code 1, naming the service and the reason
     */
    public static ServiceGroup start(List<? extends Service> services, ServiceGroup.Listener listener) {
        ServiceGroup group = new ServiceGroup(START_TIMEOUT, listener);
        try {
            group.startAll(services);
        } catch (ServiceStartException e) {
            throw new CommandFailure(1, "could not start " + e.getMessage());
        }
        return group;
    }

    /** Starts one service; see {@link #start(List, ServiceGroup.Listener)}. */
    public static ServiceGroup start(Service service) {
        return start(List.of(service), ServiceGroup.Listener.NONE);
    }

    /**
     * Blocks until the JVM is asked to exit (Ctrl-C, SIGTERM), running {@code drain} first so that
     * in-flight work finishes and ports are released before the process ends.
     */
    public static void runUntilStopped(Runnable drain) {
        CountDownLatch drained = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                drain.run();
            } finally {
                drained.countDown();
            }
        }, "roundtrip-shutdown"));
        try {
            drained.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
