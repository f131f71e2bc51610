package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.cli.up.MiniInternet;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.state.StateDirectory;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.lab.Lab;
import dev.roundtrip.lab.LabException;
import dev.roundtrip.lab.LabHost;
import dev.roundtrip.lab.LabSpec;
import dev.roundtrip.lab.topology.Geography;
import dev.roundtrip.lab.topology.GeographyParser;
import dev.roundtrip.tls.LocalCa;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A topology running in the lab, for {@code lab up} and {@code lab run}: one network namespace per
 * host joined by roundtrip's wire (delays, loss and bandwidth from the topology's geography), and
 * each host's services in a roundtrip process of its own inside its namespace, started in the
 * order the file lists the hosts. Closing it stops the processes in reverse, then removes the
 * namespaces.
 */
final class RunningLab implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Topology topology;
    private final Geography geography;
    private final Lab lab;
    private final Path runDir;
    private final Path topologyFile;
    private final List<HostProcess> processes = new ArrayList<>();
    private final ActiveRuns runs;
    private ActiveRuns.Run record;
    private boolean closed;

    private RunningLab(Topology topology, Geography geography, Lab lab, Path runDir, Path topologyFile, ActiveRuns runs) {
        this.topology = topology;
        this.geography = geography;
        this.lab = lab;
        this.runDir = runDir;
        this.topologyFile = topologyFile;
        this.runs = runs;
    }

    /**
     * Creates the lab for {@code loaded} and starts its hosts' services, printing a line per step.
     *
     * @param file the topology file the host processes read: {@code null} for a built-in one, which
     *     is then written into the run's folder
     * @param builtInText the built-in topology's text when {@code file} is null
     * @throws CommandFailure exit 1 when the lab cannot run here or a host does not start, exit 2
     *     when the topology is wrong; nothing is left behind
     */
    static RunningLab start(Launch.Loaded loaded, Path file, String builtInText, PrintWriter progress) {
        dev.roundtrip.lab.Privileges privileges = Lab.privileges();
        if (!privileges.ok()) {
            throw new CommandFailure(1, "the lab cannot run here: " + privileges.problem());
        }
        Topology topology = loaded.topology();
        Geography geography;
        try {
            geography = GeographyParser.parse(topology, loaded.source());
            // Every service's settings are checked before anything is created (nothing binds yet).
            MiniInternet.build(topology, loaded.source(), loaded.baseDir(), Network.host(), MonotonicClock.SYSTEM,
                    StateDirectory.root().resolve("lab"));
        } catch (TopologyException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        String runId = newRunId();
        Path stateRoot = StateDirectory.root();
        Path runDir = stateRoot.resolve("lab").resolve(runId);
        Path topologyFile;
        try {
            Files.createDirectories(runDir);
            if (file != null) {
                topologyFile = file.toAbsolutePath();
            } else {
                topologyFile = runDir.resolve("topology.yaml");
                Files.writeString(topologyFile, builtInText, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot write the lab's files under " + runDir + ": " + e.getMessage());
        }
        // The local CA exists before any load balancer asks for a certificate.
        LocalCa.loadOrCreate(LocalCa.defaultDir());

        long regions = topology.hosts().stream().map(Host::region).filter(r -> !r.isEmpty()).distinct().count();
        progress.printf("lab %s (run %s): %d hosts in %d region%s, each in its own network namespace%n",
                topology.name(), runId, topology.hosts().size(), regions, regions == 1 ? "" : "s");
        progress.flush();
        long t0 = System.nanoTime();
        Lab lab;
        try {
            lab = Lab.start(new LabSpec(runId, hosts(topology), geography, geography.seed(), nameserver(topology)));
        } catch (LabException e) {
            throw new CommandFailure(1, "cannot create the lab: " + e.getMessage());
        }
        progress.printf("  namespaces, TUN devices and the wire up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        progress.flush();
        RunningLab running = new RunningLab(topology, geography, lab, runDir, topologyFile, new ActiveRuns(stateRoot));
        try {
            running.startHosts(progress);
        } catch (RuntimeException e) {
            running.close();
            throw e instanceof CommandFailure ? e : new CommandFailure(1, e.getMessage());
        }
        Map<String, String> namespaces = new LinkedHashMap<>();
        topology.hosts().forEach(h -> namespaces.put(h.name(), lab.namespace(h.name())));
        running.record = running.runs.record(runId, namespaces);
        return running;
    }

    private void startHosts(PrintWriter progress) {
        for (Host host : topology.hosts()) {
            if (host.services().isEmpty()) {
                continue;
            }
            long t0 = System.nanoTime();
            List<String> command = new ArrayList<>(lab.execPrefix(host.name()));
            command.addAll(SelfCommand.roundtrip(List.of("lab", "host", "--config", topologyFile.toString(), "--host", host.name())));
            HostProcess p = HostProcess.start(host.name(), command, runDir.resolve(host.name() + ".log"));
            processes.add(p);
            p.awaitReady(READY_TIMEOUT);
            progress.printf("  \u2713 %-22s %-28s ready in %d ms (pid %d)%n", host.name(), services(host),
                    (System.nanoTime() - t0) / 1_000_000, p.pid());
            progress.flush();
        }
    }

    static String services(Host host) {
        return host.services().stream().map(ServiceSpec::type).map(ServiceType::yamlName).collect(Collectors.joining(", "));
    }

    private static List<LabHost> hosts(Topology topology) {
        return topology.hosts().stream().map(h -> new LabHost(h.name(), List.of(h.address()))).toList();
    }

    /** The first recursive resolver: what the hosts' /etc/resolv.conf names. */
    private static Optional<InetAddress> nameserver(Topology topology) {
        return topology.hosts().stream()
                .filter(h -> h.services().stream().anyMatch(s -> s.type() == ServiceType.DNS_RESOLVER))
                .map(Host::address).findFirst();
    }

    /** Six characters, enough to tell runs apart and short enough for interface names. */
    private static String newRunId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    Topology topology() {
        return topology;
    }

    Geography geography() {
        return geography;
    }

    Lab lab() {
        return lab;
    }

    Path runDir() {
        return runDir;
    }

    /** Stops every host process (reverse order), removes the namespaces and the run's record. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(STOP_GRACE);
        }
        lab.close();
        if (record != null) {
            runs.remove(record);
        }
    }
}
