package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.lab.topology.Geography;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab run tokyo-vs-newyork}: "why is the API slow in Tokyo and fast in New York",
 * measured. The origin (DNS, load balancer, app, database) sits in us-east; a client in each city,
 * behind its own ISP resolver, traces the same URL cold and then warm. Prints both waterfalls, then
 * the round trips each phase took against what the configured distances predict (cold DNS: the
 * client's resolver plus the resolver's walk; TCP 1 RTT; TLS 1.3 1 RTT; the request 1 RTT).
 */
@Command(name = "tokyo-vs-newyork",
        mixinStandardHelpOptions = true,
        description = {
                "The same API from two cities. The origin (authoritative DNS, TLS load balancer, app,",
                "database) is in us-east; a client in Tokyo (150 ms round trip away) and one in New York",
                "(8 ms) each ask their own resolver and trace https://api.example.com/users cold, then warm",
                "on the same connection. Prints both waterfalls and, per phase, the measured time next to",
                "what the distances predict: cold DNS = client->resolver + the resolver's walk to the root,",
                ".com and example.com servers; TCP = 1 RTT; TLS 1.3 = 1 RTT; request = 1 RTT + server time.",
                "The distances and their sources are in the scenario's topology (--print-topology)."})
final class TokyoVsNewYorkCommand implements Runnable {
    static final String RESOURCE = "dev/roundtrip/cli/lab/tokyo-vs-newyork.yaml";
    static final String URL = "https://api.example.com/users";
    static final List<String> CLIENTS = List.of("tokyo-client", "newyork-client");

    @Option(names = "--print-topology", description = "Print the scenario's topology (YAML, with its sources) and exit.")
    boolean printTopology;

    @Option(names = "--json", description = "Also print the measurements as one JSON document at the end.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One client's trace: the waterfall text and the JSON runs (cold first, then warm). */
    record ClientTrace(String client, String waterfall, JsonNode runs) {}

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String text = Launch.resourceText(RESOURCE);
        if (printTopology) {
            out.print(text);
            out.flush();
            return;
        }
        Launch.Loaded loaded = Launch.loadResource(RESOURCE, "scenario tokyo-vs-newyork");
        List<ClientTrace> traces = new ArrayList<>();
        try (RunningLab running = RunningLab.start(loaded, null, text, out)) {
            try {
                out.println(ServerWarmUp.run(running.lab(), running.topology()));
            } catch (Exception e) {
                throw new CommandFailure(1, "cannot warm the servers up: " + e.getMessage());
            }
            out.println();
            for (String client : CLIENTS) {
                out.printf("tracing %s from %s (cold, then warm on the same connection)...%n", URL, client);
                out.flush();
                traces.add(trace(running, client));
            }
            out.println();
            for (ClientTrace t : traces) {
                Host h = running.topology().host(t.client()).orElseThrow();
                out.printf("== %s (%s, %s round trip to the load balancer) ==%n", t.client(), h.region(),
                        LabUpCommand.ms(running.geography().rtt(t.client(), loadBalancer(running.topology()).name())));
                out.print(t.waterfall());
                out.println();
            }
            List<RoundTrips.Row> rows = new ArrayList<>();
            for (ClientTrace t : traces) {
                rows.add(RoundTrips.of(t.client(), t.runs(), running.topology(), running.geography()));
            }
            RoundTrips.print(out, rows);
            if (json) {
                out.println(RoundTrips.json(rows));
            }
            out.flush();
        }
    }

    /** Runs {@code roundtrip trace} inside the client's namespace, asking the client's own resolver. */
    private ClientTrace trace(RunningLab running, String client) {
        Topology topology = running.topology();
        Host resolver = resolverFor(topology, topology.host(client).orElseThrow());
        LabTrace.Output output = LabTrace.run(running, client, client + "-trace", List.of("trace", URL,
                "--resolver", resolver.address().getHostAddress() + ":53", "--repeat", "2", "--color", "never"), Duration.ofSeconds(60));
        return new ClientTrace(client, output.printed(), output.json().get("runs"));
    }

    /** The resolver in the client's region, else the first one. */
    static Host resolverFor(Topology topology, Host client) {
        List<Host> resolvers = topology.hosts().stream()
                .filter(h -> h.services().stream().anyMatch(s -> s.type() == ServiceType.DNS_RESOLVER)).toList();
        return resolvers.stream().filter(r -> r.region().equals(client.region())).findFirst()
                .orElseGet(() -> resolvers.stream().findFirst().orElseThrow(() -> new CommandFailure(2, "the scenario has no resolver")));
    }

    static Host loadBalancer(Topology topology) {
        return topology.hosts().stream().filter(h -> h.services().stream().anyMatch(s -> s.type() == ServiceType.LOAD_BALANCER))
                .findFirst().orElseThrow(() -> new CommandFailure(2, "the scenario has no load balancer"));
    }
}
