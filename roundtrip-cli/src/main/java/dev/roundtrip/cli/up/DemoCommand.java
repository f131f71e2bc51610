package dev.roundtrip.cli.up;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.state.StateDirectory;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.dns.stub.StubResolver;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.ConnectTo;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TraceRequest;
import dev.roundtrip.trace.TraceResult;
import dev.roundtrip.trace.Tracer;
import dev.roundtrip.trace.TracerConfig;
import dev.roundtrip.trace.TrustPolicy;
import dev.roundtrip.trace.render.TraceJson;
import dev.roundtrip.trace.render.Waterfall;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip demo}: the main job. Brings the mini-internet up, traces one request through all
 * of it twice (cold, then warm), explains every phase, and stops everything again.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Brings the mini-internet up (as 'roundtrip up' does), then traces",
                "GET https://api.example.com/users twice through the whole path: stub cache -> recursive",
                "resolver -> root -> TLD -> authoritative -> TCP -> TLS 1.3 -> HTTP/2 -> load balancer ->",
                "app server -> database, and back. Prints the cold waterfall and the warm one (DNS from",
                "cache, connection reused) with a line on what happened in each phase, then stops."},
        footer = {"", "Exit codes: 0 both requests succeeded, 1 a request or a service failed, 2 bad topology or usage."})
public final class DemoCommand implements Runnable {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Option(names = "--config", paramLabel = "TOPOLOGY.yaml", description = "The topology to bring up (default: the built-in mini-internet).")
    Path config;

    @Option(names = "--json", description = "Print both traces as 'roundtrip trace --json' does (progress goes to stderr).")
    boolean json;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "https://api.example.com/users",
            description = "What to request (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--verbose", description = "Show the servers' logs (access log lines and the like) on stderr.")
    boolean verbose;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "30",
            description = "Requests sent to the servers before tracing, so their code is compiled and the numbers show the"
                    + " network and the work, not the JVM's first run; they use their own connections and never the"
                    + " resolver, so the traced request still starts with empty caches (default: ${DEFAULT-VALUE}; 0 = none).")
    int warmup;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        if (!verbose && System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn"); // before any server creates its logger
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = json ? spec.commandLine().getErr() : out;
        TraceRequest request;
        try {
            request = TraceRequest.get(url);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        Launch.Loaded loaded = Launch.load(config);
        Topology topology = loaded.topology();
        Launch.Running running = Launch.start(loaded, MonotonicClock.SYSTEM, StateDirectory.root(), progress);
        List<TraceResult> runs;
        try {
            if (warmup > 0) {
                warmUpServers(running, request, progress);
            }
            runs = traceTwice(running, request);
            print(out, topology, runs);
        } finally {
            long stopStart = System.nanoTime();
            progress.println();
            running.group().stopAll(UpCommand.DRAIN);
            progress.printf(Locale.ROOT, "stopped %d services in %.0f ms%n", running.started().size(), (System.nanoTime() - stopStart) / 1e6);
            progress.flush();
        }
        progress.printf(Locale.ROOT, "%ndemo finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        progress.flush();
        out.flush();
        for (TraceResult r : runs) {
            if (!r.succeeded()) {
                var f = r.timeline().failure();
                throw new CommandFailure(1, "the request failed in " + f.phase().label() + " after "
                        + String.format(Locale.ROOT, "%.1f ms", f.atNanos() / 1e6) + ": " + f.message());
            }
        }
    }

    /** Both traces: as JSON, or as waterfalls each followed by what happened in every phase. */
    private void print(PrintWriter out, Topology topology, List<TraceResult> runs) {
        if (json) {
            out.println(TraceJson.render(runs));
            out.flush();
            return;
        }
        Narration narration = new Narration(hostNames(topology));
        Waterfall.Style style = System.console() != null ? Waterfall.Style.terminal(terminalColumns()) : Waterfall.Style.plain();
        String[] titles = {"cold: nothing cached, no connection yet", "warm: same client, a moment later"};
        for (int i = 0; i < runs.size(); i++) {
            out.println();
            out.println("== " + titles[i] + " ==");
            out.print(Waterfall.render(runs.get(i), style));
            for (String line : narration.explain(runs.get(i).timeline())) {
                out.println("  " + line);
            }
        }
        out.flush();
    }

    private static List<TraceResult> traceTwice(Launch.Running running, TraceRequest request) {
        MiniInternet internet = running.internet();
        InetSocketAddress resolver = internet.first(ServiceType.DNS_RESOLVER).map(MiniInternet.Placed::labAddress)
                .orElseThrow(() -> new CommandFailure(2, "the topology has no dns-resolver service, so the demo cannot resolve names"));
        LocalCa ca = LocalCa.loadOrCreate(LocalCa.defaultDir());
        StubResolver stub = new StubResolver(running.network(), resolver, MonotonicClock.SYSTEM);
        TracerConfig config = TracerConfig.defaults(stub)
                .withNetwork(running.network())
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(HttpVersion.HTTP_2);
        try (Tracer tracer = new Tracer(config)) {
            tracer.warmUp(); // load the client's classes first, so the cold run measures the network, not the JVM
            TraceResult cold = tracer.run(request);
            TraceResult warm = tracer.run(request);
            return List.of(cold, warm);
        }
    }

    /**
     * Sends {@code warmup} requests through the load balancer on a separate client that connects by
     * address (no DNS), so the servers' code paths are compiled before the traced request while
     * every cache the trace shows (stub, resolver) stays empty.
     */
    private void warmUpServers(Launch.Running running, TraceRequest request, PrintWriter progress) {
        MiniInternet.Placed lb = running.internet().first(ServiceType.LOAD_BALANCER).orElse(null);
        if (lb == null) {
            return;
        }
        long start = System.nanoTime();
        InetSocketAddress target = lb.labAddress();
        LocalCa ca = LocalCa.loadOrCreate(LocalCa.defaultDir());
        TracerConfig config = TracerConfig.defaults(new dev.roundtrip.core.resolve.SystemResolver())
                .withNetwork(running.network())
                .withTrust(TrustPolicy.roots(List.of(ca.certificate())))
                .withHttp(HttpVersion.HTTP_2)
                .withConnectTo(List.of(new ConnectTo(request.host(), -1, target.getAddress().getHostAddress(), target.getPort())));
        int failed = 0;
        try (Tracer client = new Tracer(config)) {
            for (int i = 0; i < warmup; i++) {
                if (!client.run(request).succeeded()) {
                    failed++;
                }
            }
        }
        progress.printf(Locale.ROOT, "warmed up the servers with %d requests in %.0f ms%s (caches the trace uses are still empty)%n",
                warmup, (System.nanoTime() - start) / 1e6, failed == 0 ? "" : ", " + failed + " failed");
        progress.flush();
    }

    /** Lab address (ADDR:PORT) to host name, so the narration can say "a.root-servers.net". */
    private static Map<String, String> hostNames(Topology topology) {
        Map<String, String> names = new HashMap<>();
        for (Host host : topology.hosts()) {
            for (ServiceSpec s : host.services()) {
                names.put(HostPort.format(new InetSocketAddress(host.address(), s.port())), host.name());
            }
        }
        return names;
    }

    private static int terminalColumns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
