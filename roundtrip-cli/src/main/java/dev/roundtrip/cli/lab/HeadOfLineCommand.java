package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.http.h3.QuicLimits;
import dev.roundtrip.lab.wire.WireStats;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab run head-of-line}: one page of many objects loaded across a lossy path
 * over HTTP/1.1 (6 connections), HTTP/2 (one TCP connection) and HTTP/3 (one QUIC connection),
 * at several loss rates, each rate with a client of its own; the page loader
 * ({@code roundtrip lab page-load}) runs inside each client's namespace and {@link PageTimes}
 * turns its pages into medians, 95th percentiles, a table and a chart.
 */
@Command(name = "head-of-line",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Head-of-line blocking: a page over a lossy path, HTTP/1.1 vs 2 vs 3.",
                "A page of --objects objects (--bytes each, the app's /objects/{i} through",
                "the TLS load balancer) is loaded by a",
                "client --rtt away whose paths to and from the balancer lose --loss percent",
                "of packets (seeded, independent per packet; one client per loss rate):",
                "  HTTP/1.1 on 6 TCP + TLS connections, one request at a time on each",
                "  HTTP/2 on one TCP + TLS connection, every object a stream",
                "  HTTP/3 on one QUIC connection, every object a stream",
                "Theory: TCP delivers bytes in order, so one lost packet holds back every",
                "HTTP/2 stream until its retransmission arrives (a round trip or more),",
                "even streams whose own data all arrived; QUIC orders bytes per stream, so",
                "a loss holds back only the stream it hit. HTTP/1.1 spreads the risk over",
                "6 connections (and 6 congestion windows). HTTP/3 is expected to degrade",
                "least as loss grows; the experiment shows or refutes that, on kernel TCP",
                "and Netty's QUIC (quiche), whatever the numbers say.",
                "Page time: first request to the last byte of the last object; the",
                "connections are opened before it (their time is reported apart). Each",
                "protocol loads the page --runs times after one untimed warm-up page,",
                "protocols taking turns; TCP's per-destination metrics cache is off in",
                "every host, so one lossy page does not shrink the next one's start.",
                "Congestion control: every host's kernel TCP and the balancer's QUIC use",
                "the same algorithm, --congestion-control (default: the one this kernel",
                "gives new namespaces, net.ipv4.tcp_congestion_control), so the protocols",
                "differ only in how they carry streams. With loss-based cubic or reno,",
                "random loss shrinks the window (one loss-based flow's steady state is",
                "printed next to the goodput); bbr paces at the measured rate and mostly",
                "ignores it. Linux lets a namespace pick only algorithms listed in",
                "net.ipv4.tcp_allowed_congestion_control (and its own default).",
                "Printed: per loss rate and protocol the median and 95th percentile",
                "(nearest rank: with 5 runs, the slowest), the slowdown against the same",
                "protocol at the lowest loss rate, a chart, the goodput next to the steady",
                "state of one loss-based flow, and what the wire actually dropped.",
                "Run time: about 30 s of set-up, then per loss rate 3 warm-up pages and",
                "3 x --runs pages (about 1 s each; with loss-based congestion control a",
                "page at 5%% loss can take 10 s): about 3 minutes with the defaults. Every page is",
                "bounded to 60 s, every client's loader to (3 + 3 x runs) x 60 s.",
                ""})
final class HeadOfLineCommand implements Runnable {
    static final String RESOURCE = "dev/roundtrip/cli/lab/head-of-line.yaml";
    static final String BASE = "https://api.example.com/objects/";
    static final int PAGE_TIMEOUT_SECONDS = 60;

    @Option(names = "--objects", defaultValue = "50", description = "Objects on the page (1-200; default ${DEFAULT-VALUE}).")
    int objects;

    @Option(names = "--bytes", defaultValue = "16384", description = "Bytes per object (100-1048576; default ${DEFAULT-VALUE}).")
    int bytes;

    @Option(names = "--loss", split = ",", defaultValue = "0,1,2,5", paramLabel = "PERCENT[,...]",
            description = "Loss rates to compare, percent per packet and direction (0-50, at most 8; default ${DEFAULT-VALUE}).")
    List<Double> losses;

    @Option(names = "--rtt", defaultValue = "100ms", paramLabel = "DURATION", description = "Round trip to the origin (5ms-1000ms; default ${DEFAULT-VALUE}).")
    String rtt;

    @Option(names = "--runs", defaultValue = "5", description = "Timed pages per protocol and loss rate (1-50; default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--congestion-control", paramLabel = "cubic|reno|bbr",
            description = "Congestion control of every host's TCP and the balancer's QUIC (default: this kernel's default).")
    String congestionControl;

    @Option(names = "--seed", defaultValue = "20261126", description = "Seed of the wire's loss decisions (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--print-topology", description = "Print the scenario's topology with these options and exit.")
    boolean printTopology;

    @Option(names = "--json", description = "Also print the results as one JSON document at the end.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine cl = spec.commandLine();
        int rttMs = HandshakesCommand.parseRtt(cl, rtt);
        if (objects < 1 || objects > 200) {
            throw new CommandLine.ParameterException(cl, "--objects " + objects + ": expected 1 to 200");
        }
        if (bytes < 100 || bytes > (1 << 20)) {
            throw new CommandLine.ParameterException(cl, "--bytes " + bytes + ": expected 100 to 1048576");
        }
        if (runs < 1 || runs > 50) {
            throw new CommandLine.ParameterException(cl, "--runs " + runs + ": expected 1 to 50");
        }
        List<Double> levels = losses.stream().distinct().sorted().toList();
        if (levels.isEmpty() || levels.size() > 8 || levels.stream().anyMatch(l -> !(l >= 0 && l <= 50))) {
            throw new CommandLine.ParameterException(cl, "--loss " + losses + ": expected 1 to 8 percentages from 0 to 50");
        }
        QuicLimits.CongestionControl cc;
        try {
            cc = congestionControl(congestionControl, Files.readString(TCP_DEFAULT).strip(), Files.readString(TCP_ALLOWED).strip());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        } catch (java.io.IOException e) {
            throw new CommandFailure(1, "cannot read the kernel's TCP congestion control settings: " + e.getMessage());
        }
        String text = ScenarioTemplate.fill(RESOURCE, topologyValues(levels, rttMs, seed, cc));
        PrintWriter out = cl.getOut();
        if (printTopology) {
            out.print(text);
            out.flush();
            return;
        }
        Launch.Loaded loaded = ScenarioTemplate.load(text, "scenario head-of-line");
        List<PageTimes.Cell> cells = new ArrayList<>();
        try (RunningLab running = RunningLab.start(loaded, null, text, out)) {
            Host lb = TokyoVsNewYorkCommand.loadBalancer(running.topology());
            double measuredRtt = running.geography().rtt(clientName(levels.getFirst()), lb.name()).toNanos() / 1e6;
            try {
                out.println(ServerWarmUp.run(running.lab(), running.topology()));
                for (String host : hosts(lb.name(), levels)) {
                    tcpSettings(running, host, cc);
                }
            } catch (Exception e) {
                throw new CommandFailure(1, "cannot prepare the hosts: " + e.getMessage());
            }
            LabTrace.run(running, lb.name(), "page-warm-up", pageLoad(1), Duration.ofSeconds(4L * PAGE_TIMEOUT_SECONDS));
            out.printf(Locale.ROOT, "warmed the object path up: one page per protocol from the balancer's own host (not timed)%n");
            out.printf(Locale.ROOT, "page: %d objects x %d bytes = %d KiB; RTT %.0f ms; %d timed page%s per protocol and loss rate;"
                    + " congestion control %s (TCP in every host, QUIC at the balancer)%n",
                    objects, bytes, (long) objects * bytes / 1024, measuredRtt, runs, runs == 1 ? "" : "s", cc.configName());
            out.flush();
            for (double loss : levels) {
                String client = clientName(loss);
                out.printf(Locale.ROOT, "loss %s, from %s:%n", PathText.percent(loss / 100), client);
                out.flush();
                long t0 = System.nanoTime();
                LabTrace.Output o = LabTrace.run(running, client, "pages-" + client, pageLoad(runs),
                        Duration.ofSeconds((3L + 3L * runs) * PAGE_TIMEOUT_SECONDS + 30), line -> {
                            out.println("    " + line);
                            out.flush();
                        });
                cells.addAll(PageTimes.cells(loss, o.json()));
                out.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            out.println();
            WireStats stats = running.lab().stats();
            out.println("what the wire did (packets each way between client and balancer, dropped by the loss model):");
            for (double loss : levels) {
                String client = clientName(loss);
                WireStats.PathStats up = stats.path(client, lb.name()).orElse(null);
                WireStats.PathStats down = stats.path(lb.name(), client).orElse(null);
                if (up != null && down != null) {
                    out.printf(Locale.ROOT, "  %-16s configured %-4s  to the balancer %6d packets, %5d lost (%s); back %6d packets, %5d lost (%s)%n",
                            client, PathText.percent(loss / 100), up.packets(), up.droppedLoss(), PathText.percent(up.lossDropRate()),
                            down.packets(), down.droppedLoss(), PathText.percent(down.lossDropRate()));
                }
            }
            out.println();
            PageTimes.printTable(out, cells, levels);
            out.println();
            PageTimes.printChart(out, cells, levels, 50);
            out.println();
            PageTimes.printGoodput(out, cells, levels, (long) objects * bytes, measuredRtt);
            out.println();
            reading(levels, cells).forEach(out::println);
            if (json) {
                out.println(PageTimes.json(cells, measuredRtt, objects, bytes, runs, seed, cc.configName()));
            }
            out.flush();
        }
    }

    /** What the numbers say about the expected shape, in words, from the highest loss rate measured. */
    static List<String> reading(List<Double> levels, List<PageTimes.Cell> cells) {
        List<String> lines = new ArrayList<>();
        double worst = levels.getLast();
        List<PageTimes.Cell> atWorst = cells.stream().filter(c -> c.lossPercent() == worst && !Double.isNaN(c.medianMs())).toList();
        if (levels.size() < 2 || atWorst.size() < 2) {
            lines.add("reading: needs two loss rates and two protocols with complete pages to compare.");
            return lines;
        }
        PageTimes.Cell fastest = atWorst.stream().min(Comparator.comparingDouble(PageTimes.Cell::medianMs)).orElseThrow();
        PageTimes.Cell leastHurt = atWorst.stream().min(Comparator.comparingDouble(c -> c.medianMs() / PageTimes.baseline(cells, c))).orElseThrow();
        lines.add(String.format(Locale.ROOT, "reading: at %s loss the fastest page was %s's (median %.0f ms); the protocol that slowed down least"
                + " against its own lowest-loss time was %s (x%.2f).", PathText.percent(worst / 100), fastest.label(), fastest.medianMs(),
                leastHurt.label(), leastHurt.medianMs() / PageTimes.baseline(cells, leastHurt)));
        boolean h3Least = leastHurt.http().equals("3");
        lines.add(h3Least
                ? "  the expected shape (HTTP/3 degrading least under loss) is shown by this run."
                : "  the expected shape (HTTP/3 degrading least under loss) is not shown by this run: see the table for how each protocol fared.");
        return lines;
    }

    private List<String> pageLoad(int pageRuns) {
        return List.of("lab", "page-load", "--base", BASE, "--objects", Integer.toString(objects), "--bytes", Integer.toString(bytes),
                "--runs", Integer.toString(pageRuns), "--connect-to", HandshakesCommand.CONNECT_TO,
                "--timeout", Integer.toString(PAGE_TIMEOUT_SECONDS));
    }

    static final Path TCP_DEFAULT = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");
    static final Path TCP_ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");

    /**
     * The algorithm for TCP and QUIC: {@code asked}, or (null) the kernel's default
     * {@code kernelDefault}, which a new namespace starts with. A namespace may switch only to its
     * default or to one of {@code allowed} (Linux refuses the rest with EPERM outside the host's
     * own namespace), and QUIC needs one quiche has.
     *
     * @throws IllegalArgumentException naming the problem and what to do
     */
    static QuicLimits.CongestionControl congestionControl(String asked, String kernelDefault, String allowed) {
        String name = asked == null ? kernelDefault : asked;
        String option = asked == null ? "the kernel's default congestion control " + kernelDefault : "--congestion-control " + asked;
        QuicLimits.CongestionControl cc = QuicLimits.CongestionControl.named(name).orElseThrow(() -> new IllegalArgumentException(
                option + ": QUIC (quiche) has cubic, reno and bbr; choose one with --congestion-control"));
        if (!name.equals(kernelDefault) && !List.of(allowed.split("\\s+")).contains(name)) {
            throw new IllegalArgumentException(option + ": Linux lets a network namespace use only its default (" + kernelDefault
                    + ") or an algorithm in net.ipv4.tcp_allowed_congestion_control (" + allowed + "); allow it with"
                    + " sysctl -w net.ipv4.tcp_allowed_congestion_control='" + allowed + " " + name + "', or choose one of those");
        }
        return cc;
    }

    private static List<String> hosts(String lb, List<Double> levels) {
        List<String> hosts = new ArrayList<>(List.of(lb));
        levels.forEach(l -> hosts.add(clientName(l)));
        return hosts;
    }

    /**
     * TCP in {@code host} as the experiment needs it:
     * <ul>
     *   <li>congestion control {@code cc}, the algorithm the balancer's QUIC uses too (a namespace
     *       starts with the machine's, which may be another);</li>
     *   <li>no per-destination metrics cache: Linux remembers a destination's ssthresh and RTT
     *       from a closed connection and starts the next one from them, which would let one lossy
     *       page slow the next one down.</li>
     * </ul>
     */
    private static void tcpSettings(RunningLab running, String host, QuicLimits.CongestionControl cc) throws Exception {
        running.lab().runIn(host, () -> {
            try {
                Files.writeString(TCP_DEFAULT, cc.configName(), StandardCharsets.US_ASCII);
            } catch (java.io.IOException e) {
                throw new java.io.IOException("TCP in " + host + " cannot use " + cc.configName() + " (" + e.getMessage() + ")", e);
            }
            Files.writeString(Path.of("/proc/sys/net/ipv4/tcp_no_metrics_save"), "1", StandardCharsets.US_ASCII);
            return null;
        });
    }

    static String clientName(double loss) {
        return "client-loss-" + lossName(loss);
    }

    private static String lossName(double loss) {
        return loss == Math.rint(loss) ? Long.toString((long) loss) : Double.toString(loss).replace('.', 'p');
    }

    /** One host per loss rate (198.18.4.1, .2, ...), in the clients' region, with the loss on its paths to and from the balancer. */
    static Map<String, String> topologyValues(List<Double> levels, int rttMs, long seed, QuicLimits.CongestionControl cc) {
        StringBuilder paths = new StringBuilder();
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < levels.size(); i++) {
            double loss = levels.get(i);
            String client = clientName(loss);
            String percent = PathText.percent(loss / 100);
            paths.append("  - {from: ").append(client).append(", to: lb.example.com, loss: ").append(percent).append("}\n");
            paths.append("  - {from: lb.example.com, to: ").append(client).append(", loss: ").append(percent).append("}\n");
            hosts.append("  - name: ").append(client).append('\n')
                    .append("    address: 198.18.4.").append(i + 1).append('\n')
                    .append("    region: clients\n");
        }
        return Map.of("RTT", rttMs + "ms", "SEED", Long.toString(seed), "CONGESTION-CONTROL", cc.configName(),
                "CLIENT-PATHS", paths.toString().stripTrailing(),
                "CLIENT-HOSTS", hosts.toString().stripTrailing());
    }
}
