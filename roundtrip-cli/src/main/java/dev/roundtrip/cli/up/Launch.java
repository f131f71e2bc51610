package dev.roundtrip.cli.up;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.ServiceRunner;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.ServiceGroup;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.core.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Brings a topology up on the embedded network, for {@code roundtrip up} and {@code roundtrip demo}:
 * load and validate the file, build every service, start them in order with a progress line each.
 * Every failure becomes one clear {@link CommandFailure} line, never a stack trace.
 */
public final class Launch {
    static final String DEFAULT_TOPOLOGY = "dev/roundtrip/cli/default-topology.yaml";

    private Launch() {}

    /** The default topology's YAML text, as shipped. */
    public static String defaultTopologyText() {
        return resourceText(DEFAULT_TOPOLOGY);
    }

    /** A topology shipped in the jar, as text. */
    public static String resourceText(String resource) {
        try (InputStream in = Launch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("a built-in topology is missing from the jar: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A validated topology and where it came from.
     *
     * @param source names it in messages: the file, or "default topology"
     * @param baseDir where its relative file names (zone files) are found
     */
    public record Loaded(Topology topology, String source, Path baseDir) {}

    /** Loads {@code config}, or the default topology when it is null. */
    public static Loaded load(Path config) {
        try {
            if (config == null) {
                return loadResource(DEFAULT_TOPOLOGY, "default topology");
            }
            Path absolute = config.toAbsolutePath();
            return new Loaded(new TopologyLoader().load(config), config.toString(), absolute.getParent());
        } catch (TopologyException e) {
            throw new CommandFailure(2, e.getMessage());
        }
    }

    /** Loads a topology shipped in the jar; {@code source} names it in messages. */
    public static Loaded loadResource(String resource, String source) {
        try {
            return new Loaded(new TopologyLoader().load(new java.io.ByteArrayInputStream(resourceText(resource).getBytes(StandardCharsets.UTF_8)), source),
                    source, Path.of("").toAbsolutePath());
        } catch (TopologyException e) {
            throw new CommandFailure(2, e.getMessage());
        }
    }

    /** A running topology: its services and the group that stops them. */
    record Running(MiniInternet internet, Network network, ServiceGroup group, List<ServiceGroup.Started> started) {}

    /** Builds and starts every service of {@code topology}; on failure nothing is left running. */
    static Running start(Loaded loaded, MonotonicClock clock, Path stateDir, PrintWriter progress) {
        Topology topology = loaded.topology();
        String source = loaded.source();
        Network network = Network.embedded();
        MiniInternet internet;
        try {
            internet = MiniInternet.build(topology, source, loaded.baseDir(), network, clock, stateDir);
        } catch (TopologyException e) {
            throw new CommandFailure(2, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandFailure(2, source + ": " + e.getMessage());
        }
        int count = internet.services().size();
        progress.printf("starting %s: %d service%s on the %s network (lab addresses mapped to loopback ports)%n",
                topology.name(), count, count == 1 ? "" : "s", network.name());
        progress.flush();
        ServiceGroup group = ServiceRunner.start(internet.services(), new ProgressPrinter(progress, count));
        return new Running(internet, network, group, group.started());
    }
}
