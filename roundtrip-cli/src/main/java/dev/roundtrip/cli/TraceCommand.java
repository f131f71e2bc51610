package dev.roundtrip.cli;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.dns.stub.StubResolver;
import dev.roundtrip.core.resolve.Resolver;
import dev.roundtrip.core.resolve.SystemResolver;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.trace.ConnectTo;
import dev.roundtrip.trace.FailureClass;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TraceRequest;
import dev.roundtrip.trace.TraceResult;
import dev.roundtrip.trace.Tracer;
import dev.roundtrip.trace.TracerConfig;
import dev.roundtrip.trace.TrustPolicy;
import dev.roundtrip.trace.render.Har;
import dev.roundtrip.trace.render.TraceJson;
import dev.roundtrip.trace.render.Waterfall;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code roundtrip trace URL}: sends one request (or {@code --repeat N}) through the tracing client
 * and shows every phase of it as a waterfall, as JSON ({@code --json}) or as a HAR file
 * ({@code --har FILE}). Exits with a code that says which class of failure happened.
 */
@Command(name = "trace",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Sends one HTTP request and times every phase of it: DNS (with the resolver's",
                "steps), TCP connect (address chosen), TLS (version, cipher, ALPN, certificate,",
                "resumption), request sent, waiting for the first byte (the server's own",
                "Server-Timing metrics lb/app/db drawn inside it) and content download.",
                "With --repeat N the connection and DNS cache are reused like a real client's,",
                "so cold and warm requests can be compared."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                " 0:success (whatever the HTTP status)",
                " 1:unexpected error",
                " 2:usage error",
                "10:DNS: the name does not exist (NXDOMAIN)",
                "11:DNS: the name has no address records (NODATA)",
                "12:DNS: the resolver could not answer (SERVFAIL or REFUSED)",
                "13:DNS: no answer in time",
                "14:DNS: other resolution failure",
                "20:TCP: connection refused",
                "21:TCP: connect timed out",
                "22:TCP: other connect failure (no route, unreachable)",
                "30:TLS: certificate not trusted",
                "31:TLS: certificate expired or not yet valid",
                "32:TLS: certificate does not name the host",
                "33:TLS: other handshake failure (protocol, alert, timeout)",
                "40:HTTP: protocol error (malformed response, connection closed early, stream reset)",
                "41:HTTP: no complete response in time"},
        footer = {"",
                "Examples:",
                "  roundtrip trace https://api.example.com/users \\",
                "      --connect-to api.example.com:443:127.0.0.1:8443",
                "  roundtrip trace http://127.0.0.1:8080/ --http 2 --repeat 3",
                "  roundtrip trace https://127.0.0.1:8443/ --http 3 --repeat 2 --no-reuse   (0-RTT on the second)",
                "  roundtrip trace https://127.0.0.1:8443/ --http auto --repeat 2           (Alt-Svc: h3 on the second)",
                "  roundtrip trace https://127.0.0.1:8443/ --http auto --repeat 3 --h3-fallback-delay 100",
                "                                        (UDP blocked: the second falls back to TCP, the third skips QUIC)",
                "  roundtrip trace https://127.0.0.1:8443/ --json | jq .runs[0].time_total",
                "",
                "JSON schema " + TraceJson.SCHEMA + ": see dev.roundtrip.trace.render.TraceJson;",
                "it includes curl's -w marks time_namelookup ... time_total, in seconds."})
final class TraceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// URL (no scheme means http://).")
    String url;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = "Request method (default GET, or POST with -d).")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'K: V'", description = "Extra request header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-d", "--data"}, paramLabel = "DATA", description = "Request body; @FILE reads it from a file.")
    String data;

    @Option(names = "--http", paramLabel = "1.1|2|3|auto",
            description = "HTTP version: 1.1, 2 (ALPN h2 over TLS, prior knowledge h2c for http://), 3 (QUIC over UDP, https only), "
                    + "or auto (like a browser: TCP first, then HTTP/3 where the server's Alt-Svc points, on the repeats, "
                    + "falling back to TCP when QUIC does not answer: see --h3-fallback-delay). "
                    + "Default: ALPN picks over TLS, 1.1 in cleartext.")
    String http;

    @Option(names = "--h3-fallback-delay", paramLabel = "MS",
            description = "With --http auto: how long the QUIC handshake to the Alt-Svc alternative has alone before TCP + TLS "
                    + "starts beside it (at once if QUIC fails); the first connection ready carries the request, the other is closed, "
                    + "and an alternative that failed or lost is skipped for the rest of the run. 0 starts both together. "
                    + "Default: 300.")
    Long h3FallbackDelayMillis;

    @Option(names = "--resolver", paramLabel = "system|ADDR:PORT", defaultValue = "system",
            description = "Who resolves names: the operating system (default), or roundtrip's stub resolver asking the recursive resolver at ADDR:PORT (port 53 if omitted); roundtrip's own resolver then reports its root -> TLD -> authoritative steps.")
    String resolver;

    @Option(names = "--connect-to", paramLabel = "HOST:PORT:ADDR:PORT",
            description = "Connect to ADDR:PORT for requests to HOST:PORT (URL, Host, SNI and certificate check unchanged), as curl; repeatable.")
    List<String> connectTo = new ArrayList<>();

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust only the CA certificates in this PEM file. Default: the system's roots plus roundtrip's local CA (~/.roundtrip/ca/ca.pem) when it exists.")
    Path cacert;

    @Option(names = {"-k", "--insecure"}, description = "Accept any server certificate (it is still shown).")
    boolean insecure;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Send the request N times (1-100), reusing the connection and DNS cache.")
    int repeat;

    @Option(names = "--no-reuse", description = "Open a new connection for every repeat: shows the DNS cache and TLS session resumption instead.")
    boolean noReuse;

    @Option(names = "--json", description = "Print JSON (schema " + TraceJson.SCHEMA + ") instead of the waterfall.")
    boolean json;

    @Option(names = "--har", paramLabel = "FILE", description = "Also write the requests as a HAR 1.2 file.")
    Path har;

    @Option(names = "--json-file", paramLabel = "FILE", description = "Also write the JSON (as --json prints it) to FILE, beside the waterfall.")
    Path jsonFile;

    @Option(names = "--qlog", paramLabel = "DIR",
            description = "Write a qlog of each QUIC connection (HTTP/3) to DIR, made if missing: quiche's packet-by-packet"
                    + " view from the client, JSON-SEQ, one file per connection; open it in qvis.")
    Path qlog;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Longest each phase (DNS, connect, TLS, response) may take; default ${DEFAULT-VALUE}.")
    double timeoutSeconds;

    @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto", description = "Colour the waterfall; auto: only on a terminal.")
    String color;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (json && har != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json and --har are mutually exclusive");
        }
        if (cacert != null && insecure) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cacert and --insecure are mutually exclusive");
        }
        if (repeat < 1 || repeat > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat " + repeat + ": expected 1 to 100");
        }
        TraceRequest request;
        Resolver names;
        TracerConfig config;
        try {
            request = request();
            if (http != null && HttpVersion.parse(http) == HttpVersion.HTTP_3 && !request.tls()) {
                throw new IllegalArgumentException("--http 3 needs an https:// URL (QUIC is always TLS 1.3)");
            }
            names = resolver();
            config = config(names);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }

        List<TraceResult> runs = new ArrayList<>();
        List<Path> qlogs;
        try (Tracer tracer = new Tracer(config)) {
            tracer.warmUp(request);
            for (int i = 0; i < repeat; i++) {
                runs.add(tracer.run(request));
            }
            qlogs = tracer.qlogFiles();
        } finally {
            if (names instanceof StubResolver stub) {
                stub.close();
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(TraceJson.render(runs));
        } else {
            out.print(Waterfall.render(runs, style()));
        }
        out.flush();
        if (har != null) {
            write(har, Har.render(runs), "HAR");
        }
        if (jsonFile != null) {
            write(jsonFile, TraceJson.render(runs), "JSON");
        }
        if (qlog != null) {
            reportQlogs(qlogs);
        }
        for (TraceResult r : runs) {
            if (!r.succeeded()) {
                var f = r.timeline().failure();
                spec.commandLine().getErr().println(String.format(java.util.Locale.ROOT, "roundtrip trace: failed in %s after %.1f ms: %s",
                        f.phase().label(), f.atNanos() / 1e6, f.message()));
                return r.exitCode();
            }
        }
        return 0;
    }

    /** Names the qlog files this run wrote (or says there were none: no QUIC connection was made). */
    private void reportQlogs(List<Path> files) {
        List<Path> written = files.stream().filter(Files::exists).toList();
        if (written.isEmpty()) {
            spec.commandLine().getErr().println("qlog: no QUIC connection was made, so nothing was written to " + qlog);
        }
        written.forEach(f -> spec.commandLine().getErr().println("qlog written to " + f));
    }

    private void write(Path file, String text, String what) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            spec.commandLine().getErr().println(what + " written to " + file);
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot write " + file + ": " + e.getMessage());
        }
    }

    private TraceRequest request() {
        byte[] body = new byte[0];
        if (data != null) {
            if (data.startsWith("@")) {
                try {
                    body = Files.readAllBytes(Path.of(data.substring(1)));
                } catch (IOException e) {
                    throw new IllegalArgumentException("-d " + data + ": cannot read (" + e.getMessage() + ")");
                }
            } else {
                body = data.getBytes(StandardCharsets.UTF_8);
            }
        }
        String m = method != null ? method : data != null ? "POST" : "GET";
        return new TraceRequest(m, TraceRequest.parseUrl(url), headers.stream().map(Header::parse).toList(), body);
    }

    private TracerConfig config(Resolver names) {
        Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + ": expected more than 0 seconds");
        }
        return TracerConfig.defaults(names)
                // roundtrip's stub resolver keeps its own cache (with the records' TTLs); the system's needs the tracer's
                .withDnsCacheTtl(names instanceof StubResolver ? Duration.ZERO : TracerConfig.defaults(names).dnsCacheTtl())
                .withHttp(http == null ? HttpVersion.AUTO : HttpVersion.parse(http))
                .withConnectTo(connectTo.stream().map(ConnectTo::parse).toList())
                .withTrust(trust())
                .withReuseConnections(!noReuse)
                .withTimeouts(timeout, timeout, timeout, timeout)
                .withH3FallbackDelay(h3FallbackDelay())
                .withQlogDir(qlogDir());
    }

    /** {@code --qlog}: a directory this process can write to, made if missing; null without the option. */
    private Path qlogDir() {
        if (qlog == null) {
            return null;
        }
        try {
            return dev.roundtrip.http.h3.QlogDirectory.prepare(qlog);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--qlog " + qlog + ": " + e.getMessage(), e);
        }
    }

    /** {@code --h3-fallback-delay}: only with {@code --http auto}, zero or more milliseconds, at most the timeout. */
    private Duration h3FallbackDelay() {
        if (h3FallbackDelayMillis == null) {
            return TracerConfig.DEFAULT_H3_FALLBACK_DELAY;
        }
        if (http == null || HttpVersion.parse(http) != HttpVersion.ALT_SVC) {
            throw new IllegalArgumentException("--h3-fallback-delay applies only with --http auto (where HTTP/3 is an alternative to TCP)");
        }
        if (h3FallbackDelayMillis < 0 || h3FallbackDelayMillis > timeoutSeconds * 1000) {
            throw new IllegalArgumentException("--h3-fallback-delay " + h3FallbackDelayMillis
                    + ": expected 0 to " + Math.round(timeoutSeconds * 1000) + " milliseconds (the --timeout)");
        }
        return Duration.ofMillis(h3FallbackDelayMillis);
    }

    private Resolver resolver() {
        if (resolver.equalsIgnoreCase("system")) {
            return new SystemResolver();
        }
        InetSocketAddress recursive;
        try {
            recursive = HostPort.parse(resolver, 53);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resolver: expected 'system' or ADDR[:PORT] of a recursive resolver; " + e.getMessage());
        }
        return new StubResolver(Network.host(), recursive, MonotonicClock.SYSTEM);
    }

    private TrustPolicy trust() {
        if (insecure) {
            return TrustPolicy.insecure();
        }
        if (cacert != null) {
            return TrustPolicy.roots(TrustPolicy.readCertificates(cacert));
        }
        Path localCa = LocalCa.defaultDir().resolve(LocalCa.CERT_FILE);
        List<X509Certificate> extra = Files.isRegularFile(localCa) ? IssuedCertificate.readCertificates(localCa) : List.of();
        return new TrustPolicy.SystemRoots(extra);
    }

    private Waterfall.Style style() {
        boolean tty = System.console() != null && System.console().isTerminal();
        boolean colour = switch (color) {
            case "always" -> true;
            case "never" -> false;
            default -> tty && System.getenv("NO_COLOR") == null;
        };
        int columns = 100;
        try {
            String env = System.getenv("COLUMNS");
            if (env != null) {
                columns = Integer.parseInt(env.strip());
            }
        } catch (NumberFormatException ignored) {
            // keep the default width
        }
        Waterfall.Style terminal = Waterfall.Style.terminal(columns);
        return new Waterfall.Style(terminal.barWidth(), colour);
    }

    /** For tests: the failure classes and their codes must match the list in --help. */
    static List<FailureClass> documentedFailures() {
        return List.of(FailureClass.values());
    }
}
