package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.ClusterConfig;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.PolicyConfig;
import dev.roundtrip.edge.config.RouteConfig;
import dev.roundtrip.edge.config.TcpProxyConfig;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab run failover}: the same backend crash under load, once behind an L4
 * balancer and once behind an L7 one, and a table of what the clients saw. On the embedded
 * network (lab addresses mapped to loopback ports): three real HTTP backends, one
 * {@link LoadBalancer} per run in front of them ({@code mode: tcp}, then HTTP), keep-alive clients
 * sending GETs; one backend is killed in the middle of each run.
 *
 * <p>What it shows (the article's interview question): an L4 balancer relays bytes, so the
 * connections open to the dead backend die with it and their clients see resets, while new
 * connections go to the live ones; an L7 balancer owns each request, so it sends an idempotent GET
 * that failed to another backend and its clients see nothing.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {
                "Kill a backend under load behind an L4 (tcp) and an L7 (http) balancer and",
                "print what the clients saw: resets at L4, transparent retries at L7.",
                "Runs on loopback (the embedded lab network); takes a few seconds.", ""},
        footer = {"", "Example:", "  roundtrip lab run failover --clients 16 --requests 4000 --duration 10s --seed 7 --json"})
public final class FailoverCommand implements Runnable {
    /** Where the balancer listens on the lab network; the backends are 198.18.20.10-12:8080. */
    private static final InetSocketAddress BALANCER = HostPort.parse("198.18.20.2:80");

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16", description = "Keep-alive clients sending at once (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "4000",
            description = "Requests per balancer; the run ends at N requests or --duration, whichever comes first (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", description = "Longest run per balancer, e.g. 5s, 500ms (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Picks the backend that dies and when (between 40% and 60% of the run) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The whole result: the setup and one row per balancer. */
    record Result(int clients, int requestsPerRun, long durationMillis, long seed, String victim, int killAfterRequests,
            List<FailoverTally.Row> rows) {}

    @Override
    public void run() {
        Duration limit = parseDuration(duration);
        if (clients < 1 || clients > 1024) {
            throw new CommandFailure(2, "--clients: '" + clients + "' is outside 1-1024");
        }
        if (requests < 10 || requests > 10_000_000) {
            throw new CommandFailure(2, "--requests: '" + requests + "' is outside 10-10000000");
        }
        Random random = new Random(seed);
        int victim = random.nextInt(3);
        double killFraction = 0.4 + 0.2 * random.nextDouble();
        int killAfter = Math.max(1, (int) (requests * killFraction));
        List<FailoverTally.Row> rows = new ArrayList<>();
        rows.add(runOnce(true, victim, killAfter, killFraction, limit));
        rows.add(runOnce(false, victim, killAfter, killFraction, limit));
        Result result = new Result(clients, requests, limit.toMillis(), seed, HostPort.format(backendAddress(victim)), killAfter, rows);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printTable(out, result);
        }
        out.flush();
    }

    private static InetSocketAddress backendAddress(int i) {
        return HostPort.parse("198.18.20." + (10 + i) + ":8080");
    }

    /** One run: fresh backends and balancer, the load, the kill, the tally. */
    private FailoverTally.Row runOnce(boolean l4, int victim, int killAfter, double killFraction, Duration limit) {
        Network network = Network.embedded();
        Transport transport = Transport.best();
        EventLoopGroup backendLoops = transport.newGroup(2, "failover-backend");
        List<FailoverBackend> backends = new ArrayList<>();
        LoadBalancer lb = null;
        try {
            List<InetSocketAddress> endpoints = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                InetSocketAddress lab = backendAddress(i);
                backends.add(new FailoverBackend("b" + (i + 1), network.bindAddress(lab), backendLoops, transport));
                endpoints.add(lab);
            }
            InetSocketAddress listen = BALANCER;
            ClusterConfig cluster = ClusterConfig.of("app", endpoints, new PolicyConfig.RoundRobin());
            ListenerConfig listener = l4 ? ListenerConfig.tcp("l4", listen, "app", TcpProxyConfig.DEFAULT_IDLE_TIMEOUT)
                    : new ListenerConfig("l7", listen, Optional.empty(), false, List.of(RouteConfig.catchAll("app")));
            EdgeConfig config = new EdgeConfig(List.of(listener), List.of(cluster), Optional.empty(), HttpLimits.DEFAULTS, 2, false);
            lb = new LoadBalancer(l4 ? "lb-l4" : "lb-l7", config, network, MonotonicClock.SYSTEM);
            lb.start().get(20, TimeUnit.SECONDS);
            FailoverTally tally = load(network.connectAddress(listen), backends.get(victim), killAfter, killFraction, limit);
            return tally.row(l4 ? "L4 (tcp)" : "L7 (http)", lb.cluster("app").retries());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new CommandFailure(1, "the " + (l4 ? "L4" : "L7") + " balancer did not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(1, "interrupted");
        } finally {
            if (lb != null) {
                lb.stop(Duration.ofMillis(200)).orTimeout(10, TimeUnit.SECONDS).join();
            }
            backends.forEach(FailoverBackend::close);
            backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The clients' load: request tickets handed out until {@code requests} or the time limit; the
     * victim dies when {@code killAfter} requests are done or {@code killFraction} of the time passed.
     */
    private FailoverTally load(InetSocketAddress target, FailoverBackend victim, int killAfter, double killFraction, Duration limit)
            throws InterruptedException {
        FailoverTally tally = new FailoverTally();
        AtomicLong tickets = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long killAt = start + (long) (limit.toNanos() * killFraction);
        Duration timeout = Duration.ofSeconds(5);
        ExecutorService pool = Executors.newFixedThreadPool(clients, Thread.ofPlatform().daemon().name("failover-client-", 0).factory());
        // Every client holds its keep-alive connection before the load goes on, so the crash meets
        // open connections on every backend (otherwise a fast client could do the whole run alone).
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(clients);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    try (KeepAliveClient client = new KeepAliveClient(target, timeout)) {
                        long n = tickets.incrementAndGet();
                        if (n <= requests) {
                            client.get("/r/" + n, tally);
                            done.incrementAndGet();
                        }
                        connected.countDown();
                        connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        while ((n = tickets.incrementAndGet()) <= requests && System.nanoTime() < deadline) {
                            client.get("/r/" + n, tally);
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            boolean killed = false;
            while (workers.stream().anyMatch(f -> !f.isDone())) {
                if (!killed && (done.get() >= killAfter || System.nanoTime() >= killAt)) {
                    victim.kill();
                    killed = true;
                }
                if (System.nanoTime() > deadline + timeout.toNanos() * 2) {
                    break; // every client is bounded by the deadline plus one read timeout
                }
                Thread.sleep(1);
            }
            if (!killed) {
                victim.kill();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        return tally;
    }

    private static Duration parseDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text.strip());
        if (!m.matches()) {
            throw new CommandFailure(2, "--duration: '" + text + "' is not a duration (allowed: e.g. 500ms, 10s, 1m)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.toMillis() < 100 || d.toMinutes() > 10) {
            throw new CommandFailure(2, "--duration: '" + text + "' is outside 100ms-10m");
        }
        return d;
    }

    private static void printTable(PrintWriter out, Result r) {
        out.printf("Backend crash under load: %d keep-alive clients, 3 backends, %s killed after about %d of %d requests (seed %d)%n%n",
                r.clients(), r.victim(), r.killAfterRequests(), r.requestsPerRun(), r.seed());
        String[] head = {"balancer", "requests", "ok", "resets", "other errors", "lb retries", "p50 ms", "p99 ms"};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        for (FailoverTally.Row row : r.rows()) {
            String errors = row.errors().isEmpty() ? "none"
                    : row.errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            lines.add(new String[] {row.balancer(), Long.toString(row.requests()), Long.toString(row.ok()), Long.toString(row.resets()),
                    errors, Long.toString(row.lbRetries()), millis(row.p50Millis()), millis(row.p99Millis())});
        }
        int[] widths = new int[head.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                widths[i] = Math.max(widths[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                boolean left = i == 0 || i == 4;
                String cell = left ? String.format("%-" + widths[i] + "s", l[i]) : String.format("%" + widths[i] + "s", l[i]);
                b.append(cell).append(i + 1 < l.length ? "  " : "");
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
        out.println("L4: the balancer relays bytes and keeps none, so the connections open to the dead backend were reset");
        out.println("    with it; new connections went to live backends (a refused connect moves on before any byte is sent).");
        out.println("L7: the balancer owns each request, so a GET that failed on the dead backend was sent to another one.");
        out.println("lb retries: L4 counts connects moved to another backend, L7 requests sent again.");
    }

    private static String millis(double ms) {
        return ms < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", ms);
    }
}
