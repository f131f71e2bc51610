package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.resolve.SystemResolver;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.ConnectTo;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TracerConfig;
import dev.roundtrip.trace.TrustPolicy;
import dev.roundtrip.trace.page.Page;
import dev.roundtrip.trace.page.PageJson;
import dev.roundtrip.trace.page.PageLoad;
import dev.roundtrip.trace.page.PageResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roundtrip lab page-load}: loads one page of many objects over HTTP/1.1, HTTP/2 and
 * HTTP/3 in turn ({@link PageLoad}), a number of times, and writes every load as JSON. The
 * head-of-line experiment runs it inside a client host's namespace, so its sockets cross the
 * lab's lossy path. Hidden: a building block of {@code lab run head-of-line}.
 */
@Command(name = "page-load",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = {"Loads a page of N objects over each protocol in turn (HTTP/1.1 on 6 connections, HTTP/2 and",
                "HTTP/3 on one), --runs times, after one untimed warm-up page each; prints a line per page and",
                "writes every load as JSON (schema " + PageJson.SCHEMA + ")."})
final class LabPageLoadCommand implements Runnable {
    @Option(names = "--base", required = true, paramLabel = "URL", description = "Object i is URL + i + \"?bytes=\" + bytes, e.g. https://api.example.com/objects/")
    String base;

    @Option(names = "--objects", defaultValue = "50", description = "Objects on the page (1-1000; default ${DEFAULT-VALUE}).")
    int objects;

    @Option(names = "--bytes", defaultValue = "16384", description = "Bytes per object (0-1048576; default ${DEFAULT-VALUE}).")
    int bytes;

    @Option(names = "--runs", defaultValue = "5", description = "Timed pages per protocol (1-100; default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--http", split = ",", defaultValue = "1.1,2,3", paramLabel = "V[,V...]", description = "Protocols, in order (default ${DEFAULT-VALUE}).")
    List<String> http;

    @Option(names = "--connect-to", paramLabel = "HOST:PORT:ADDR:PORT", description = "As roundtrip trace; repeatable.")
    List<String> connectTo = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Longest one page may take, connections included (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json-file", required = true, paramLabel = "FILE", description = "Where the JSON goes.")
    Path jsonFile;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        List<HttpVersion> versions = new ArrayList<>();
        Page page;
        try {
            for (String v : http) {
                HttpVersion version = HttpVersion.parse(v);
                if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_2 && version != HttpVersion.HTTP_3) {
                    throw new IllegalArgumentException("--http " + v + ": expected 1.1, 2 or 3");
                }
                versions.add(version);
            }
            page = new Page(base, objects, bytes);
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("--runs " + runs + ": expected 1 to 100");
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 600) {
                throw new IllegalArgumentException("--timeout " + timeoutSeconds + ": expected 1 to 600 seconds");
            }
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        TracerConfig config = TracerConfig.defaults(new SystemResolver())
                .withConnectTo(connectTo.stream().map(ConnectTo::parse).toList())
                .withTrust(trust());
        PrintWriter out = spec.commandLine().getOut();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        List<PageJson.Numbered> loads = new ArrayList<>();
        try (PageLoad loader = new PageLoad(config)) {
            Page warmUp = new Page(base, Math.min(objects, 10), bytes);
            for (HttpVersion v : versions) {
                PageResult r = loader.load(warmUp, v, PageLoad.connectionsFor(v), timeout);
                loads.add(new PageJson.Numbered(0, true, r));
                out.println(line(0, r));
                out.flush();
            }
            for (int run = 1; run <= runs; run++) {
                // Each run starts with the next protocol, so no protocol always goes first.
                for (int k = 0; k < versions.size(); k++) {
                    HttpVersion v = versions.get((k + run - 1) % versions.size());
                    PageResult r = loader.load(page, v, PageLoad.connectionsFor(v), timeout);
                    loads.add(new PageJson.Numbered(run, false, r));
                    out.println(line(run, r));
                    out.flush();
                }
            }
        }
        try {
            Files.writeString(jsonFile, PageJson.render(loads), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot write " + jsonFile + ": " + e.getMessage());
        }
    }

    static String line(int run, PageResult r) {
        String what = (run == 0 ? "warm-up" : "run " + run) + " " + r.http().name().replace("HTTP_1_1", "HTTP/1.1").replace("HTTP_2", "HTTP/2")
                .replace("HTTP_3", "HTTP/3") + " (" + r.connections() + " conn)";
        if (!r.complete()) {
            return String.format(Locale.ROOT, "%-28s incomplete: %s", what, r.failure());
        }
        return String.format(Locale.ROOT, "%-28s page %8.1f ms   connect %7.1f ms   %d objects", what, r.pageNanos() / 1e6,
                r.connectNanos() / 1e6, r.objects().size());
    }

    private static TrustPolicy trust() {
        Path localCa = LocalCa.defaultDir().resolve(LocalCa.CERT_FILE);
        List<X509Certificate> extra = Files.isRegularFile(localCa) ? IssuedCertificate.readCertificates(localCa) : List.of();
        return new TrustPolicy.SystemRoots(extra);
    }
}
