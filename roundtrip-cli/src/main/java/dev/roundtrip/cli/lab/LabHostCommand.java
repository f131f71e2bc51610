package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.ServiceRunner;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.cli.up.MiniInternet;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.service.ServiceGroup;
import dev.roundtrip.core.state.StateDirectory;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.TopologyException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab host}: the services of one host of a topology, on the host network (its real
 * lab addresses). {@code lab up} runs one of these inside each host's network namespace; it prints
 * {@value HostProcess#READY} once they serve, then runs until SIGTERM.
 */
@Command(name = "host",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = {"Runs the services of one host of a topology on its real lab address (inside the host's",
                "network namespace, where `roundtrip lab up` starts it)."})
final class LabHostCommand implements Runnable {
    static final Duration DRAIN = Duration.ofSeconds(3);

    @Option(names = "--config", paramLabel = "TOPOLOGY.yaml", required = true, description = "The topology.")
    Path config;

    @Option(names = "--host", paramLabel = "NAME", required = true, description = "Which host's services to run.")
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Launch.Loaded loaded = Launch.load(config);
        if (loaded.topology().host(host).isEmpty()) {
            throw new CommandFailure(2, loaded.source() + ": no host named '" + host + "'");
        }
        MiniInternet internet;
        try {
            internet = MiniInternet.build(loaded.topology(), loaded.source(), loaded.baseDir(), Network.host(), MonotonicClock.SYSTEM,
                    StateDirectory.root().resolve("lab"));
        } catch (TopologyException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        List<Service> mine = internet.placed().stream().filter(p -> p.host().name().equals(host)).map(MiniInternet.Placed::service).toList();
        ServiceGroup group = ServiceRunner.start(mine, ServiceGroup.Listener.NONE);
        PrintWriter out = spec.commandLine().getOut();
        out.println(HostProcess.READY + " " + group.started().stream()
                .flatMap(s -> s.addresses().stream().map(a -> a.protocol() + " " + HostPort.format(a.labAddress())))
                .collect(Collectors.joining(", ")));
        out.flush();
        ServiceRunner.runUntilStopped(() -> group.stopAll(DRAIN));
    }
}
