package dev.roundtrip.cli.dns;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.cli.ServiceRunner;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.service.ServiceGroup;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.recursive.CacheLimits;
import dev.roundtrip.dns.recursive.RecursiveConfig;
import dev.roundtrip.dns.recursive.RecursiveResolver;
import dev.roundtrip.dns.recursive.ResolutionLimits;
import dev.roundtrip.dns.recursive.StubZone;
import dev.roundtrip.dns.transport.ListenerLimits;
import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.dns.zone.RootHints;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.dns.zone.ZoneException;
import dev.roundtrip.dns.zone.ZoneLoader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code roundtrip dns}: runs one of roundtrip's DNS servers on its own, until interrupted. */
@Command(name = "dns",
        mixinStandardHelpOptions = true,
        description = {"Runs a DNS server of the mini-internet on its own: an authoritative server (root, TLD or a",
                "zone's own) or the recursive resolver. Both speak UDP and TCP on one port and work with dig,",
                "kdig, Unbound and BIND. Stop with Ctrl-C."},
        subcommands = {DnsCommand.Serve.class, DnsCommand.ResolverCommand.class})
public final class DnsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serves zones authoritatively (RFC 1035 master files) on UDP and TCP.",
                    "Answers with AA, refers delegations with glue, NXDOMAIN/NODATA with the SOA, REFUSED outside",
                    "its zones, FORMERR for malformed queries."},
            footer = {"", "Examples:",
                    "  roundtrip dns serve --zone example.com.zone --listen 127.0.0.1:5353",
                    "  roundtrip dns serve --demo --listen 127.0.0.1:5353   # root, com. and example.com. in one server",
                    "  dig @127.0.0.1 -p 5353 api.example.com"})
    static final class Serve implements Runnable {
        @Option(names = "--zone", paramLabel = "FILE", description = "A zone file (repeatable); its origin is its SOA owner.")
        List<Path> zones = new ArrayList<>();

        @Option(names = "--demo", description = "Also serve the built-in demo zones: the root, com. and example.com.")
        boolean demo;

        @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:5353",
                description = "Address and port for UDP and TCP (default: ${DEFAULT-VALUE}).")
        String listen;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
                description = "Event loop threads, each with its own SO_REUSEPORT UDP socket (default: one per core).")
        int threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<Zone> loaded = new ArrayList<>();
            try {
                for (Path p : zones) {
                    loaded.add(ZoneLoader.load(p));
                }
                if (demo) {
                    loaded.add(DemoZones.root());
                    loaded.add(DemoZones.com());
                    loaded.add(DemoZones.exampleCom());
                }
            } catch (ZoneException e) {
                throw new CommandFailure(1, e.getMessage());
            }
            if (loaded.isEmpty()) {
                throw new CommandFailure(2, "no zones: give --zone FILE (repeatable) or --demo");
            }
            AuthoritativeConfig config;
            try {
                config = new AuthoritativeConfig("dns " + String.join(" ", loaded.stream().map(z -> z.origin().toString()).toList()),
                        Network.host(), HostPort.parse(listen), loaded, AuthoritativeConfig.DEFAULT_MAX_CNAME_CHAIN,
                        new ListenerLimits(0, threads, ListenerLimits.DEFAULT.maxTcpConnections(), ListenerLimits.DEFAULT.tcpIdleTimeout()));
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(2, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Zone z : loaded) {
                out.println("zone " + z.origin() + ": " + z.recordCount() + " records");
            }
            runUntilInterrupted(new AuthoritativeServer(config), out);
        }
    }

    @Command(name = "resolver", mixinStandardHelpOptions = true,
            description = {"A recursive resolver: iterates from the root hints, follows referrals and CNAMEs, caches",
                    "answers and negative answers by TTL, minimises QNAMEs (RFC 9156, relaxed), checks every response",
                    "(address, port, ID, question, bailiwick: RFC 5452). Clients that send EDNS option 65001 get",
                    "its steps (roundtrip dig +explain)."},
            footer = {"", "Examples:",
                    "  roundtrip dns resolver --listen 127.0.0.1:5300 --root-hints my.hints",
                    "  roundtrip dns resolver --listen 127.0.0.1:5300 --root 127.0.0.1:5353",
                    "  roundtrip dig @127.0.0.1:5300 api.example.com +explain"})
    static final class ResolverCommand implements Runnable {
        @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:5300",
                description = "Address and port for UDP and TCP (default: ${DEFAULT-VALUE}).")
        String listen;

        @Option(names = "--root-hints", paramLabel = "FILE",
                description = "Root hints in named.root format (default: the demo's, a.root-servers.net at 198.18.0.4).")
        Path rootHints;

        @Option(names = "--root", paramLabel = "ADDR:PORT",
                description = "A root server address, instead of root hints (repeatable), e.g. 127.0.0.1:5353.")
        List<String> roots = new ArrayList<>();

        @Option(names = "--max-cache-ttl", paramLabel = "SECONDS", defaultValue = "86400",
                description = "Cache positive answers at most this long (default: ${DEFAULT-VALUE}).")
        long maxCacheTtl;

        @Option(names = "--max-negative-ttl", paramLabel = "SECONDS", defaultValue = "3600",
                description = "Cache NXDOMAIN/NODATA at most this long (default: ${DEFAULT-VALUE}).")
        long maxNegativeTtl;

        @Option(names = "--max-cache-entries", paramLabel = "N", defaultValue = "100000",
                description = "RRsets and negative answers cached at most (default: ${DEFAULT-VALUE}).")
        int maxCacheEntries;

        @Option(names = "--stub-zone", paramLabel = "ZONE=ADDR:PORT[,ADDR:PORT...]",
                description = "Ask these servers for names in ZONE instead of iterating from the root (repeatable), "
                        + "e.g. example.com=127.0.0.1:15301.")
        List<String> stubZones = new ArrayList<>();

        @Option(names = "--no-qname-minimisation", description = "Send the full name to every server.")
        boolean noMinimisation;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
                description = "Event loop threads, each with its own SO_REUSEPORT UDP socket (default: one per core).")
        int threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<InetSocketAddress> rootServers;
            RecursiveConfig config;
            try {
                if (!roots.isEmpty()) {
                    rootServers = roots.stream().map(r -> HostPort.parse(r, 53)).toList();
                } else if (rootHints != null) {
                    rootServers = RootHints.load(rootHints).servers(53);
                } else {
                    rootServers = DemoZones.rootServers();
                }
                config = new RecursiveConfig("recursive resolver", Network.host(), HostPort.parse(listen), rootServers,
                        MonotonicClock.SYSTEM,
                        new CacheLimits(maxCacheEntries, CacheLimits.DEFAULT.maxBytes(), Duration.ofSeconds(maxCacheTtl),
                                Duration.ofSeconds(maxNegativeTtl)),
                        ResolutionLimits.DEFAULT, !noMinimisation,
                        new ListenerLimits(0, threads, ListenerLimits.DEFAULT.maxTcpConnections(), ListenerLimits.DEFAULT.tcpIdleTimeout()),
                        stubZones.stream().map(DnsCommand::stubZone).toList());
            } catch (ZoneException e) {
                throw new CommandFailure(1, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(2, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("root servers: " + String.join(", ", rootServers.stream().map(HostPort::format).toList()));
            runUntilInterrupted(new RecursiveResolver(config), out);
        }
    }

    /** Parses {@code example.com=127.0.0.1:15301,127.0.0.2:53}. */
    static StubZone stubZone(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--stub-zone '" + text + "': expected ZONE=ADDR:PORT[,ADDR:PORT...]");
        }
        String zone = text.substring(0, eq);
        try {
            org.xbill.DNS.Name name = org.xbill.DNS.Name.fromString(zone.endsWith(".") ? zone : zone + ".");
            return new StubZone(name, java.util.Arrays.stream(text.substring(eq + 1).split(",")).map(a -> HostPort.parse(a, 53)).toList());
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("--stub-zone '" + text + "': " + e.getMessage());
        }
    }

    /** Starts the service, prints where it listens, and drains it on Ctrl-C (SIGINT/SIGTERM). */
    static void runUntilInterrupted(Service service, PrintWriter out) {
        ServiceGroup group = ServiceRunner.start(service);
        for (BoundAddress b : group.started().getFirst().addresses()) {
            out.println(service.name() + " listening: " + b);
        }
        out.flush();
        ServiceRunner.runUntilStopped(() -> group.stopAll(Duration.ofSeconds(1)));
    }
}
