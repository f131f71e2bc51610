package dev.roundtrip.cli.dns;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.LabAddresses;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.dns.dig.Dig;
import dev.roundtrip.dns.dig.DigFormatter;
import dev.roundtrip.dns.dig.DigRequest;
import dev.roundtrip.dns.dig.DigResult;
import dev.roundtrip.dns.stub.StubResolver;
import dev.roundtrip.dns.zone.DemoZones;
import dev.roundtrip.dns.zone.RootHints;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roundtrip dig}: asks a DNS server one question, with dig's conventions and output. */
@Command(name = "dig",
        mixinStandardHelpOptions = true,
        description = {"Asks a DNS server one question and prints the response like dig.",
                "Arguments in dig's style: [@SERVER[:PORT]] NAME [TYPE] [+trace] [+tcp] [+norecurse] [+short] [+explain]",
                "  +trace      iterate from the root hints, printing each referral with its server and time",
                "  +tcp        ask over TCP",
                "  +norecurse  clear RD (ask a server about its own data)",
                "  +short      print only the answers' data",
                "  +explain    ask roundtrip's resolver how it found the answer (cache hit, or each upstream query)",
                "Without @SERVER the first nameserver of /etc/resolv.conf is asked, if it is loopback or a lab address."},
        footer = {"", "Exit codes: 0 answer (any rcode, as dig), 1 no answer (timeout, refused connection), 2 usage error.",
                "", "Examples:",
                "  roundtrip dig @127.0.0.1:5353 api.example.com",
                "  roundtrip dig @127.0.0.1:5300 www.example.com A +explain",
                "  roundtrip dig api.example.com +trace --root 127.0.0.1:5353",
                "  roundtrip dig @127.0.0.1:5300 example.com MX --json"})
public final class DigCommand implements Runnable {
    @Parameters(paramLabel = "ARG", arity = "1..*", description = "@SERVER[:PORT], NAME, TYPE and +options in any order.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Server port (default 53), as dig -p.")
    Integer port;

    @Option(names = "--json", description = "Print JSON instead of dig's text.")
    boolean json;

    @Option(names = "--root-hints", paramLabel = "FILE", description = "Root hints for +trace (default: the demo's).")
    Path rootHints;

    @Option(names = "--root", paramLabel = "ADDR:PORT", description = "A root server for +trace instead of root hints (repeatable).")
    List<String> roots = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "3000", description = "Per-query timeout (default: ${DEFAULT-VALUE} ms).")
    long timeoutMillis;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String server = null;
        String name = null;
        String type = null;
        boolean trace = false;
        boolean tcp = false;
        boolean recurse = true;
        boolean shortOutput = false;
        boolean explain = false;
        for (String a : args) {
            if (a.startsWith("@")) {
                server = a.substring(1);
            } else if (a.startsWith("+")) {
                switch (a.toLowerCase(java.util.Locale.ROOT)) {
                    case "+trace" -> trace = true;
                    case "+tcp", "+vc" -> tcp = true;
                    case "+norecurse", "+norec" -> recurse = false;
                    case "+recurse", "+rec" -> recurse = true;
                    case "+short" -> shortOutput = true;
                    case "+explain" -> explain = true;
                    case "+notcp" -> tcp = false;
                    default -> throw new CommandLine.ParameterException(spec.commandLine(),
                            "unknown option " + a + ": roundtrip dig knows +trace +tcp +norecurse +short +explain");
                }
            } else if (name == null) {
                name = a;
            } else if (type == null && Type.value(a.toUpperCase(java.util.Locale.ROOT)) >= 0) {
                type = a.toUpperCase(java.util.Locale.ROOT);
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "unexpected argument '" + a + "' (NAME is '" + name + "')");
            }
        }
        if (name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing NAME");
        }
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new CommandFailure(2, "'" + name + "' is not a domain name: " + e.getMessage());
        }
        int qtype = type == null ? Type.A : Type.value(type);
        DigRequest request;
        try {
            InetSocketAddress target = trace ? null : serverAddress(server);
            List<InetSocketAddress> rootServers = trace ? rootServers() : List.of();
            request = new DigRequest(Network.host(), target, qname, qtype, tcp, recurse && !trace, explain, trace, rootServers,
                    Duration.ofMillis(timeoutMillis));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        DigResult result;
        try {
            result = Dig.run(request);
        } catch (IOException e) {
            throw new CommandFailure(1, ";; " + e.getMessage() + "; no servers could be reached");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(DigFormatter.json(request, result));
        } else if (shortOutput) {
            out.print(DigFormatter.shortText(result));
            if (explain && result.steps() != null) {
                out.print(DigFormatter.steps(result.steps()));
            }
        } else {
            out.print(DigFormatter.text(request, result, String.join(" ", args)));
        }
        out.flush();
        if (result.last().response().getRcode() == Rcode.SERVFAIL && shortOutput) {
            spec.commandLine().getErr().println(";; SERVFAIL");
        }
    }

    private InetSocketAddress serverAddress(String server) {
        int p = port == null ? 53 : port;
        if (server != null) {
            return port == null ? HostPort.parse(server, 53) : new InetSocketAddress(LabAddresses.parseLiteral(server), p);
        }
        InetSocketAddress system = StubResolver.nameserverFromResolvConf(Path.of("/etc/resolv.conf"));
        if (!system.getAddress().isLoopbackAddress() && !LabAddresses.isLab(system.getAddress())) {
            throw new IllegalArgumentException("the system's nameserver " + system.getAddress().getHostAddress()
                    + " is neither loopback nor a lab address (" + LabAddresses.ALLOWED + "): name one with @SERVER");
        }
        return new InetSocketAddress(system.getAddress(), p);
    }

    private List<InetSocketAddress> rootServers() {
        if (!roots.isEmpty()) {
            return roots.stream().map(r -> HostPort.parse(r, 53)).toList();
        }
        if (rootHints != null) {
            return RootHints.load(rootHints).servers(53);
        }
        return DemoZones.rootServers();
    }
}
