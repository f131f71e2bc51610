package dev.roundtrip.cli;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.ServiceGroup;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.edge.config.AdminConfig;
import dev.roundtrip.edge.config.ClusterConfig;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigException;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.edge.config.HealthCheckConfig;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.PolicyConfig;
import dev.roundtrip.edge.config.ProxyProtocol;
import dev.roundtrip.edge.config.RouteConfig;
import dev.roundtrip.edge.config.TcpProxyConfig;
import dev.roundtrip.edge.config.TlsConfig;
import dev.roundtrip.http.HttpLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import sun.misc.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code roundtrip lb}: runs the load balancer (L7, or L4 with {@code --mode tcp}) on this host until interrupted. */
@Command(name = "lb",
        mixinStandardHelpOptions = true,
        description = {
                "An L7 load balancer / reverse proxy. Terminates TLS (HTTP/1.1 and HTTP/2",
                "by ALPN; h2c in cleartext; HTTP/3 over QUIC with --http3), keeps pooled",
                "keep-alive connections to the backends, adds X-Forwarded-For, Forwarded,",
                "Via and Server-Timing: lb (--add-headers chooses), and retries a request",
                "on another backend when one fails before answering.",
                "With --mode tcp it balances connections instead (L4): bytes are relayed",
                "unchanged, TLS passes through to the backends, optionally after a PROXY v2",
                "header (--proxy-protocol v2).",
                "Quick form: --listen, --backend..., --policy. Full form (listeners, routes,",
                "clusters): --config FILE.",
                "SIGHUP or POST /reload on the admin listener reads --config FILE again and",
                "applies it to new requests without dropping connections (an invalid file is",
                "rejected and the running configuration keeps serving). SIGTERM or Ctrl-C",
                "drains: no new connections, requests in flight finish, HTTP/2 gets GOAWAY.",
                ""},
        footer = {"",
                "Examples:",
                "  roundtrip lb --backend 127.0.0.1:9001 --backend 127.0.0.1:9002",
                "  roundtrip lb --tls --listen 127.0.0.1:8443 --backend 127.0.0.1:9001 \\",
                "               --policy least-request --admin 127.0.0.1:9901",
                "  roundtrip lb --mode tcp --listen 127.0.0.1:7443 --backend 127.0.0.1:8443 \\",
                "               --backend 127.0.0.1:8444 --proxy-protocol v2",
                "  roundtrip lb --tls --http3 --listen 127.0.0.1:8443 --backend 127.0.0.1:9001",
                "  roundtrip lb --config lb.yaml      (then: kill -HUP PID to reload)",
                "",
                "Exit codes: 0 stopped by a signal, 1 could not start,",
                "2 bad arguments or configuration."})
final class LbCommand implements Runnable {
    /**
     * Not a static field: picocli builds every command when `roundtrip` starts, and slf4j-simple
     * fixes its log level when the first logger is made, which `roundtrip demo` sets first.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(LbCommand.class);
    }
    /** How long SIGTERM or Ctrl-C lets requests in flight finish. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file in the full form (listeners, clusters, admin, limits).")
    Path config;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Where clients connect (default: 127.0.0.1:8080, or :8443 with --tls).")
    String listen;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "http",
            description = "http (L7: requests are routed, retried, rewritten) or tcp (L4: connections are relayed as bytes) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--proxy-protocol", paramLabel = "VERSION", defaultValue = "none",
            description = "With --mode tcp: none, or v2 to tell each backend the client's address in a PROXY header (default: ${DEFAULT-VALUE}).")
    String proxyProtocol;

    @Option(names = "--tls", description = "Terminate TLS (1.3, 1.2) with ALPN h2 and http/1.1.")
    boolean tls;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM certificate chain (default: issued by the local CA for localhost and the listen address).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM private key for --cert.")
    Path key;

    @Option(names = "--name", paramLabel = "DNS", description = "A name the local-CA certificate covers (repeatable; default localhost).")
    List<String> names = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "ADDR:PORT", description = "An upstream server (repeatable).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "POLICY", defaultValue = "round-robin",
            description = "round-robin, least-request, peak-ewma, hash:HEADER, cookie:NAME, hash:source-ip (--mode tcp) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--health-check", paramLabel = "PATH", description = "Actively check each backend with GET PATH every 5 s.")
    String healthPath;

    @Option(names = "--admin", paramLabel = "ADDR:PORT", description = "Serve /metrics, /healthz and /clusters here.")
    String admin;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0", description = "Event loop threads (0: one per CPU).")
    int workers;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "Event loop transport: auto (epoll on Linux, else NIO), epoll, io_uring (a loop turn's reads and writes "
                    + "in one system call), nio (default: auto).")
    String transport;

    @Option(names = "--http3", description = "Also serve HTTP/3 over QUIC on the same port over UDP (needs --tls); TCP answers advertise it with Alt-Svc.")
    boolean http3;

    @Option(names = "--no-h2", description = "Offer HTTP/1.1 only.")
    boolean noH2;

    @Option(names = "--no-access-log", description = "Do not log a line per request.")
    boolean noAccessLog;

    @Option(names = "--add-headers", paramLabel = "HEADER", split = ",",
            description = "Headers added to what is forwarded: all, none, or some of x-forwarded-for, x-forwarded-proto, "
                    + "x-forwarded-host, forwarded, via, traceparent (requests), via, server-timing (responses) (default: all).")
    List<String> addHeaders;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        EdgeConfig edge = buildConfig();
        LoadBalancer lb = new LoadBalancer("lb", edge, Network.host(), MonotonicClock.SYSTEM);
        if (config != null) {
            Path file = config;
            lb.reloadFrom(() -> EdgeConfigParser.parseFile(file));
        }
        ServiceGroup group = ServiceRunner.start(lb);
        reloadOnSighup(lb);
        List<BoundAddress> bound = group.started().getFirst().addresses();
        var out = spec.commandLine().getOut();
        for (BoundAddress b : bound) {
            out.println("listening: " + b);
        }
        out.println("event loops: " + edge.workerThreads() + " on " + lb.transport().configName());
        for (ClusterConfig c : edge.clusters()) {
            out.println("cluster " + c.name() + ": " + c.endpoints().stream().map(HostPort::format).toList() + " (" + policyName(c.policy()) + ")");
        }
        out.flush();
        ServiceRunner.runUntilStopped(() -> {
            log().info("stopping: draining connections for up to {} s", DRAIN_GRACE.toSeconds());
            group.stopAll(DRAIN_GRACE);
        });
    }

    /** SIGHUP reloads the configuration file (without one, the balancer says so in its log). */
    private void reloadOnSighup(LoadBalancer lb) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log().info("SIGHUP: {}", config != null ? "reloading " + config : "reload requested");
                lb.reload();
            });
        } catch (IllegalArgumentException unsupported) {
            // No SIGHUP on this platform (Windows): POST /reload on the admin listener still works.
            log().debug("SIGHUP not available: {}", unsupported.getMessage());
        }
    }

    private static String policyName(PolicyConfig p) {
        return switch (p) {
            case PolicyConfig.RoundRobin r -> "round-robin";
            case PolicyConfig.LeastRequest l -> "least-request";
            case PolicyConfig.PeakEwma e -> "peak-ewma";
            case PolicyConfig.HashHeader h -> "hash:header:" + h.header();
            case PolicyConfig.HashCookie c -> "hash:cookie:" + c.cookie();
            case PolicyConfig.HashSourceIp s -> "hash:source-ip";
        };
    }

    EdgeConfig buildConfig() {
        if (config != null) {
            if (listen != null || tls || http3 || !backends.isEmpty() || admin != null || transport != null || addHeaders != null) {
                throw new CommandFailure(2, "--config FILE holds the whole configuration: leave out --listen, --tls, --http3, --backend, --admin, "
                        + "--transport, --add-headers (a listener's add_headers says it there)");
            }
            try {
                return EdgeConfigParser.parseFile(config);
            } catch (EdgeConfigException e) {
                throw new CommandFailure(2, e.getMessage());
            }
        }
        if (backends.isEmpty()) {
            throw new CommandFailure(2, "--backend ADDR:PORT is required (repeat it for each backend), or use --config FILE");
        }
        if ((cert == null) != (key == null)) {
            throw new CommandFailure(2, "--cert and --key come together");
        }
        if (cert != null && !tls) {
            tls = true;
        }
        boolean tcp = switch (mode) {
            case "http" -> false;
            case "tcp" -> true;
            default -> throw new CommandFailure(2, "--mode: '" + mode + "' is not a listener mode (allowed: http, tcp)");
        };
        if (tcp && (tls || noH2)) {
            throw new CommandFailure(2, "--mode tcp passes bytes through (TLS included) to the backends: leave out --tls, --cert, --key, --no-h2");
        }
        Set<AddedHeader> added;
        try {
            added = addHeaders == null ? AddedHeader.ALL : AddedHeader.parseAll(addHeaders);
        } catch (EdgeConfigException e) {
            throw new CommandFailure(2, "--add-headers: " + e.problem());
        }
        if (tcp && addHeaders != null) {
            throw new CommandFailure(2, "--mode tcp relays bytes and adds no header: leave out --add-headers");
        }
        InetSocketAddress address = address("--listen", listen != null ? listen : tls ? "127.0.0.1:8443" : "127.0.0.1:8080");
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String b : backends) {
            endpoints.add(address("--backend", b));
        }
        try {
            PolicyConfig p;
            try {
                p = PolicyConfig.parse(policy);
            } catch (EdgeConfigException e) {
                throw new CommandFailure(2, "--policy: " + e.problem());
            }
            if (tcp && p.needsHttp()) {
                throw new CommandFailure(2, "--policy: '" + policy + "' needs HTTP, but --mode tcp never reads headers or cookies (allowed with --mode tcp: "
                        + PolicyConfig.ALLOWED_L4 + ")");
            }
            ProxyProtocol pp;
            try {
                pp = ProxyProtocol.parse(proxyProtocol);
            } catch (EdgeConfigException e) {
                throw new CommandFailure(2, "--proxy-protocol: " + e.problem());
            }
            ClusterConfig cluster = ClusterConfig.of("default", endpoints, p).withProxyProtocol(pp);
            if (healthPath != null) {
                cluster = cluster.withHealthCheck(HealthCheckConfig.of(healthPath));
            }
            Optional<TlsConfig> tlsConfig = Optional.empty();
            if (tls) {
                List<String> certNames = new ArrayList<>(names.isEmpty() ? List.of("localhost") : names);
                certNames.add(address.getAddress().getHostAddress());
                tlsConfig = Optional.of(new TlsConfig(List.of(new TlsConfig.Certificate(certNames,
                        Optional.ofNullable(cert), Optional.ofNullable(key))), Optional.empty()));
            }
            if (http3 && !tls) {
                throw new CommandFailure(2, "--http3 needs --tls (QUIC is always TLS 1.3)");
            }
            ListenerConfig listener = tcp ? ListenerConfig.tcp("default", address, "default", TcpProxyConfig.DEFAULT_IDLE_TIMEOUT)
                    : ListenerConfig.http("default", address, tlsConfig, !noH2, List.of(RouteConfig.catchAll("default")),
                            http3 ? Optional.of(dev.roundtrip.http.h3.QuicLimits.DEFAULTS) : Optional.empty()).withAddHeaders(added);
            Optional<AdminConfig> adminConfig = admin == null ? Optional.empty() : Optional.of(new AdminConfig(address("--admin", admin)));
            Optional<dev.roundtrip.http.Transport> t;
            try {
                t = EdgeConfig.parseTransport("--transport", transport == null ? "auto" : transport);
            } catch (EdgeConfigException e) {
                throw new CommandFailure(2, "--transport: " + e.problem());
            }
            return new EdgeConfig(List.of(listener), List.of(cluster), adminConfig, HttpLimits.DEFAULTS, workers, !noAccessLog)
                    .withTransport(t);
        } catch (EdgeConfigException e) {
            throw new CommandFailure(2, e.getMessage());
        }
    }

    private static InetSocketAddress address(String option, String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, option + ": " + e.getMessage());
        }
    }
}
