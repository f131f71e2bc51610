package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.ServiceRunner;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.lab.topology.Geography;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roundtrip lab up}: a topology in the lab, with real distance between its hosts, until Ctrl-C. */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {
                "Starts a topology in the lab: every host gets its own Linux network namespace with its lab",
                "address, all traffic between hosts crosses roundtrip's wire (the delay, jitter, loss and",
                "bandwidth the topology's regions, links and paths give), and each host's services run in a",
                "roundtrip process inside its namespace, so kernel TCP, UDP and TLS see a real wide-area",
                "network. Prints the hosts and paths and commands to try, then runs until Ctrl-C or SIGTERM,",
                "when it stops the services and removes every namespace and device.",
                "",
                "Needs root (or CAP_NET_ADMIN) and /dev/net/tun."},
        footer = {"", "Examples:",
                "  roundtrip lab up                                   # the default mini-internet, no distance",
                "  roundtrip lab up --config my-topology.yaml",
                "  roundtrip lab exec HOST -- dig api.example.com     # from another terminal",
                "", "Exit codes: 0 stopped cleanly, 1 the lab or a host could not start, 2 bad topology or usage."})
final class LabUpCommand implements Runnable {
    @Option(names = "--config", paramLabel = "TOPOLOGY.yaml", description = "The topology (default: the built-in mini-internet).")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Launch.Loaded loaded = Launch.load(config);
        RunningLab running = RunningLab.start(loaded, config, config == null ? Launch.defaultTopologyText() : null, out);
        out.println();
        printHosts(out, running);
        out.println();
        printTryThis(out, running.topology());
        out.println();
        out.println("running; press Ctrl-C to stop (host logs: " + running.runDir() + ")");
        out.flush();
        ServiceRunner.runUntilStopped(() -> {
            out.println();
            out.println("stopping the hosts and removing the lab...");
            out.flush();
            running.close();
            out.println("lab removed");
            out.flush();
        });
    }

    /** The hosts (region, address, namespace, services), then each distinct path between regions. */
    static void printHosts(PrintWriter out, RunningLab running) {
        Topology topology = running.topology();
        Geography g = running.geography();
        int name = Math.max(4, topology.hosts().stream().mapToInt(h -> h.name().length()).max().orElse(0));
        int region = Math.max(6, topology.hosts().stream().mapToInt(h -> h.region().length()).max().orElse(0));
        String hostRow = "%-" + name + "s  %-" + region + "s  %-16s  %-16s  %s%n";
        out.printf(hostRow, "HOST", "REGION", "ADDRESS", "NAMESPACE", "SERVICES");
        for (Host h : topology.hosts()) {
            out.printf(hostRow, h.name(), h.region().isEmpty() ? "-" : h.region(), h.address().getHostAddress(),
                    running.lab().namespace(h.name()), h.services().isEmpty() ? "(client)" : RunningLab.services(h));
        }
        List<String[]> paths = new ArrayList<>();
        g.regions().values().stream().filter(r -> !r.rtt().isZero())
                .forEach(r -> paths.add(new String[] {"inside " + r.name(), "rtt " + ms(r.rtt()), "-", "-", "-"}));
        g.distinctLinks().forEach(l -> paths.add(new String[] {l.a() + " <-> " + l.b(), "rtt " + ms(l.rtt()), ms(l.oneWay().jitter()),
                PathText.loss(l.oneWay().loss()), PathText.rate(l.oneWay().rateBitsPerSecond())}));
        g.overrides().forEach((path, spec) -> paths.add(new String[] {path, "one way " + ms(spec.delay()), ms(spec.jitter()),
                PathText.loss(spec.loss()), PathText.rate(spec.rateBitsPerSecond())}));
        if (paths.isEmpty()) {
            out.println("(no regions: every path is direct, without delay or loss)");
            return;
        }
        int width = Math.max(5, paths.stream().mapToInt(p -> p[0].length()).max().orElse(0));
        String pathRow = "%-" + width + "s  %-16s  %-7s  %-10s  %s%n";
        out.println();
        out.printf(pathRow, "PATHS", "DELAY", "JITTER", "LOSS", "BANDWIDTH");
        paths.forEach(p -> out.printf(pathRow, (Object[]) p));
    }

    static String ms(java.time.Duration d) {
        double v = d.toNanos() / 1e6;
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0fms", v) : String.format(Locale.ROOT, "%.1fms", v);
    }

    private static void printTryThis(PrintWriter out, Topology topology) {
        String launcher = System.getenv().getOrDefault("ROUNDTRIP_LAUNCHER", "roundtrip");
        String client = topology.hosts().stream().filter(h -> h.services().isEmpty()).map(Host::name).findFirst()
                .orElse(topology.hosts().getLast().name());
        out.println("try (from another terminal):");
        topology.hosts().stream().filter(h -> h.services().stream().anyMatch(s -> s.type() == ServiceType.DNS_RESOLVER)).findFirst()
                .ifPresent(r -> out.printf("  %s lab exec %s -- dig api.example.com%n", launcher, client));
        if (topology.hosts().stream().anyMatch(h -> h.services().stream().anyMatch(s -> s.type() == ServiceType.LOAD_BALANCER))) {
            out.printf("  %s lab exec %s -- curl --cacert %s https://api.example.com/users%n", launcher, client,
                    dev.roundtrip.tls.LocalCa.defaultDir().resolve(dev.roundtrip.tls.LocalCa.CERT_FILE).toAbsolutePath());
            out.printf("  %s lab exec %s -- roundtrip trace https://api.example.com/users --repeat 2%n", launcher, client);
        }
    }
}
