package dev.roundtrip.cli.up;

import dev.roundtrip.cli.ServiceRunner;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.state.StateDirectory;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.tls.LocalCa;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roundtrip up}: starts a whole mini-internet and keeps it running until Ctrl-C. */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {
                "Starts a mini-internet in this process: root, TLD and authoritative DNS servers, a",
                "recursive resolver, the load balancer for api.example.com (TLS from the local CA), two",
                "app servers and their database, each on its lab address mapped to a loopback port.",
                "Prints where everything listens and commands to try (dig, curl, roundtrip trace), then",
                "runs until Ctrl-C or SIGTERM, when it drains and stops the services in reverse order."},
        footer = {"", "Examples:",
                "  roundtrip up",
                "  roundtrip up --print-default > my-topology.yaml   # edit, then:",
                "  roundtrip up --config my-topology.yaml",
                "", "Exit codes: 0 stopped cleanly, 1 a service could not start, 2 bad topology or usage."})
public final class UpCommand implements Runnable {
    static final Duration DRAIN = Duration.ofSeconds(5);

    @Option(names = "--config", paramLabel = "TOPOLOGY.yaml", description = "The topology to start (default: the built-in mini-internet).")
    Path config;

    @Option(names = "--print-default", description = "Print the built-in topology's YAML and exit.")
    boolean printDefault;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (printDefault) {
            out.print(Launch.defaultTopologyText());
            out.flush();
            return;
        }
        Launch.Running running = Launch.start(Launch.load(config), MonotonicClock.SYSTEM, StateDirectory.root(), out);
        out.println();
        AddressTable.print(out, running.started());
        out.println();
        printTryThis(out, running);
        out.println();
        out.println("running; press Ctrl-C to stop");
        out.flush();
        ServiceRunner.runUntilStopped(() -> {
            out.println();
            out.println("stopping (draining for up to " + DRAIN.toSeconds() + " s)...");
            out.flush();
            running.group().stopAll(DRAIN);
            out.println("all services stopped");
            out.flush();
        });
    }

    /** Copy-paste commands that work against the running topology from another terminal. */
    static void printTryThis(PrintWriter out, Launch.Running running) {
        String launcher = System.getenv().getOrDefault("ROUNDTRIP_LAUNCHER", "roundtrip");
        String ca = LocalCa.defaultDir().resolve(LocalCa.CERT_FILE).toAbsolutePath().toString();
        out.println("try:");
        running.internet().first(ServiceType.DNS_RESOLVER).ifPresent(resolver -> {
            InetSocketAddress real = running.network().connectAddress(resolver.labAddress());
            out.printf("  dig @%s -p %d api.example.com%n", real.getAddress().getHostAddress(), real.getPort());
        });
        running.internet().first(ServiceType.LOAD_BALANCER).ifPresent(lb -> {
            InetSocketAddress real = running.network().connectAddress(lb.labAddress());
            ListenerConfig listener = ((LoadBalancer) lb.service()).config().listeners().getFirst();
            // The name to ask for: the first name of the listener's certificate, as a browser would.
            String host = listener.tls().map(t -> t.certificates().getFirst().names().getFirst()).orElse(lb.host().name());
            String scheme = listener.tls().isPresent() ? "https" : "http";
            String url = scheme + "://" + host + (lb.spec().port() == (listener.tls().isPresent() ? 443 : 80) ? "" : ":" + lb.spec().port()) + "/users";
            String connectTo = host + ":" + lb.spec().port() + ":" + HostPort.format(real);
            String cacert = listener.tls().isPresent() ? " --cacert " + ca : "";
            out.printf("  curl%s --connect-to %s %s%n", cacert, connectTo, url);
            String resolverFlag = running.internet().first(ServiceType.DNS_RESOLVER)
                    .map(r -> " --resolver " + HostPort.format(running.network().connectAddress(r.labAddress()))).orElse("");
            out.printf("  %s trace %s%s --connect-to %s%s%n", launcher, url, resolverFlag, connectTo, cacert);
        });
    }
}
