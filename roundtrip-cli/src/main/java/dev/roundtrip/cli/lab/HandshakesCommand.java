package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.up.Launch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab run handshakes}: how many round trips a cold HTTPS request costs before
 * its first byte, per protocol, measured across a configured distance against the theory of
 * {@link HandshakeRoundTrips} (HTTP/1.1 and HTTP/2 over TCP + TLS 1.3: 3; HTTP/3: 2; HTTP/3 with
 * 0-RTT: 1). Every measurement is one {@code roundtrip trace} process in the client's namespace;
 * the balancer's access log says when each request reached it.
 */
@Command(name = "handshakes",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "How many round trips does a cold HTTPS request wait for its first byte?",
                "A client and an origin (TLS load balancer with HTTP/3 on, app, database)",
                "are --rtt apart. The client connects by address (no DNS), on new",
                "connections, and traces GET https://api.example.com/users. Theory:",
                "  HTTP/1.1, HTTP/2 (TCP + TLS 1.3)  3 RTT: TCP 1, TLS 1.3 1, request 1",
                "  HTTP/2, TLS session resumed       3 RTT: a ticket saves the certificate,",
                "                                    not a round trip",
                "  HTTP/3 (QUIC)                     2 RTT: transport and TLS 1.3 in one",
                "                                    handshake, then the request",
                "  HTTP/3 with 0-RTT                 1 RTT: a second connection of the same",
                "                                    client resumes the session and sends",
                "                                    the GET as early data, in its first",
                "                                    flight beside the ClientHello",
                "Each protocol is traced --runs times by fresh client processes (0-RTT is",
                "the second connection of the HTTP/3 process, --no-reuse). The table shows",
                "medians: first byte, the servers' own time (Server-Timing lb), and round",
                "trips = (first byte - server time) / RTT. A second table says when the",
                "handshake ended, when the request left and when the balancer's access",
                "log says it arrived, in round trips. For HTTP/3 and 0-RTT the command",
                "says in words what the numbers show: a request sent in the first flight",
                "lands at 0.5 RTT; one sent after the handshake cannot land before 1.5.",
                "Run time: about 20 s, plus about 8 s per run (default: about 1 minute);",
                "each trace process is bounded to 60 s.",
                ""})
final class HandshakesCommand implements Runnable {
    static final String RESOURCE = "dev/roundtrip/cli/lab/handshakes.yaml";
    static final String CLIENT = "client";
    static final String URL = "https://api.example.com/users";
    static final String CONNECT_TO = "api.example.com:443:198.18.1.10:443";

    @Option(names = "--rtt", defaultValue = "100ms", paramLabel = "DURATION",
            description = "Round trip between client and origin, e.g. 100ms (5ms to 1000ms; default ${DEFAULT-VALUE}).")
    String rtt;

    @Option(names = "--runs", defaultValue = "5", description = "Fresh client processes per protocol (1-50; default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "20261126", description = "Seed of the wire's random choices (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--print-topology", description = "Print the scenario's topology with these options and exit.")
    boolean printTopology;

    @Option(names = "--json", description = "Also print the measurements as one JSON document at the end.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        int rttMs = parseRtt(spec.commandLine(), rtt);
        if (runs < 1 || runs > 50) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs " + runs + ": expected 1 to 50");
        }
        String text = ScenarioTemplate.fill(RESOURCE, Map.of("RTT", rttMs + "ms", "SEED", Long.toString(seed)));
        PrintWriter out = spec.commandLine().getOut();
        if (printTopology) {
            out.print(text);
            out.flush();
            return;
        }
        Launch.Loaded loaded = ScenarioTemplate.load(text, "scenario handshakes");
        List<HandshakeRoundTrips.Sample> samples = new ArrayList<>();
        try (RunningLab running = RunningLab.start(loaded, null, text, out)) {
            double measuredRtt = running.geography().rtt(CLIENT, TokyoVsNewYorkCommand.loadBalancer(running.topology()).name()).toNanos() / 1e6;
            try {
                out.println(ServerWarmUp.run(running.lab(), running.topology()));
            } catch (Exception e) {
                throw new CommandFailure(1, "cannot warm the servers up: " + e.getMessage());
            }
            out.flush();
            Path lbLog = running.runDir().resolve(TokyoVsNewYorkCommand.loadBalancer(running.topology()).name() + ".log");
            for (int run = 1; run <= runs; run++) {
                long t0 = System.nanoTime();
                samples.addAll(trace(running, run, HandshakeRoundTrips.Kind.HTTP_1_1, null, lbLog));
                samples.addAll(trace(running, run, HandshakeRoundTrips.Kind.HTTP_2, HandshakeRoundTrips.Kind.HTTP_2_RESUMED, lbLog));
                samples.addAll(trace(running, run, HandshakeRoundTrips.Kind.HTTP_3, HandshakeRoundTrips.Kind.HTTP_3_0RTT, lbLog));
                out.printf("  run %d of %d: HTTP/1.1, HTTP/2 (cold, resumed), HTTP/3 (cold, 0-RTT) traced in %.1f s%n", run, runs,
                        (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
            out.println();
            List<HandshakeRoundTrips.Row> rows = HandshakeRoundTrips.rows(samples, measuredRtt);
            HandshakeRoundTrips.print(out, rows, measuredRtt);
            out.println();
            List<String> findings = new ArrayList<>(HandshakeRoundTrips.http3Findings(samples, measuredRtt));
            findings.addAll(HandshakeRoundTrips.zeroRttFindings(samples, measuredRtt));
            findings.forEach(out::println);
            if (json) {
                out.println(HandshakeRoundTrips.json(rows, samples, measuredRtt, findings));
            }
            out.flush();
        }
    }

    /**
     * One {@code roundtrip trace} process in the client: {@code cold} on its first connection and,
     * when {@code second} is given, {@code second} on a new connection of the same process
     * (resuming the first one's TLS session).
     */
    private List<HandshakeRoundTrips.Sample> trace(RunningLab running, int run, HandshakeRoundTrips.Kind cold,
                                                   HandshakeRoundTrips.Kind second, Path lbLog) {
        String traceparent = "00-" + HexFormat.of().formatHex(randomBytes(16)) + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
        List<String> args = new ArrayList<>(List.of("trace", URL, "--http", cold.http, "--connect-to", CONNECT_TO,
                "--repeat", second == null ? "1" : "2", "--no-reuse", "--color", "never", "-H", "traceparent: " + traceparent));
        String name = "trace-" + run + "-" + cold.name().toLowerCase(java.util.Locale.ROOT);
        JsonNode runs = LabTrace.run(running, CLIENT, name, args, Duration.ofSeconds(60)).json().get("runs");
        Instant started = Instant.parse(runs.get(0).path("started_at").asText());
        List<Instant> arrivals = arrivals(lbLog, traceparent, started, runs.size());
        List<HandshakeRoundTrips.Sample> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            JsonNode r = runs.get(i);
            if (!r.path("ok").asBoolean()) {
                throw new CommandFailure(1, "the " + (i == 0 ? cold : second).label + " trace failed: " + r.path("failure"));
            }
            Instant start = Instant.parse(r.path("started_at").asText());
            double arrivalMs = i < arrivals.size() ? Duration.between(start, arrivals.get(i)).toNanos() / 1e6 : Double.NaN;
            out.add(HandshakeRoundTrips.sample(i == 0 ? cold : second, run, r, arrivalMs));
        }
        return out;
    }

    /** The balancer's arrival times of the requests with {@code traceparent}, waiting briefly for its log to catch up. */
    private static List<Instant> arrivals(Path lbLog, String traceparent, Instant near, int expected) {
        List<Instant> found = List.of();
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                found = HandshakeRoundTrips.balancerArrivals(Files.readAllLines(lbLog), traceparent, near, ZoneId.systemDefault());
            } catch (IOException e) {
                return List.of();
            }
            if (found.size() >= expected) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return found;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        b[0] |= 1; // never all zeros (W3C trace context: invalid)
        return b;
    }

    /** "100ms", "100 ms" or "100" (milliseconds), or "0.1s"; 5 to 1000 ms. */
    static int parseRtt(CommandLine cl, String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        double ms;
        try {
            if (t.endsWith("ms")) {
                ms = Double.parseDouble(t.substring(0, t.length() - 2));
            } else if (t.endsWith("s")) {
                ms = Double.parseDouble(t.substring(0, t.length() - 1)) * 1000;
            } else {
                ms = Double.parseDouble(t);
            }
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (!(ms >= 5 && ms <= 1000) || ms != Math.rint(ms)) {
            throw new CommandLine.ParameterException(cl, "--rtt " + text + ": expected whole milliseconds from 5ms to 1000ms, e.g. 100ms");
        }
        return (int) ms;
    }
}
