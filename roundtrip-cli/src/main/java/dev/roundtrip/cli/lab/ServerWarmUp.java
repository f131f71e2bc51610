package dev.roundtrip.cli.lab;

import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.ServiceSpec;
import dev.roundtrip.core.topology.ServiceType;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.lab.Lab;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Runs each server's code a few times before a scenario traces anything, so the trace measures the
 * network and not JVMs compiling their code (every lab host is a fresh JVM; a cold one adds tens to
 * hundreds of milliseconds per hop). Fills no cache the trace then uses: authoritative servers are
 * asked directly for their own zones, resolvers only names under {@code invalid.} (RFC 6761: never a
 * real name; their walk stops at the root), and the load balancer is called from inside its own
 * host over HTTPS by address, with no DNS.
 */
final class ServerWarmUp {
    static final int DNS_QUERIES = 20;
    static final int HTTPS_REQUESTS = 30;

    private ServerWarmUp() {}

    /** Warms every DNS server and load balancer of {@code topology}; returns a line saying what it did. */
    static String run(Lab lab, Topology topology) throws Exception {
        int dns = 0;
        int https = 0;
        int h3 = 0;
        for (Host host : topology.hosts()) {
            for (ServiceSpec spec : host.services()) {
                InetSocketAddress at = new InetSocketAddress(host.address(), spec.port());
                switch (spec.type()) {
                    case DNS_AUTHORITATIVE -> dns += lab.runIn(host.name(), () -> askDns(at, i -> zoneApex(spec)));
                    case DNS_RESOLVER -> dns += lab.runIn(host.name(), () -> askDns(at, i -> "warm-up-" + i + ".invalid."));
                    case LOAD_BALANCER -> {
                        https += lab.runIn(host.name(), () -> callHttps(at, serverName(spec)));
                        https += traceHttp(lab, host, at, serverName(spec), "2");
                        if (servesHttp3(spec)) {
                            h3 += traceHttp(lab, host, at, serverName(spec), "3");
                        }
                    }
                    default -> { }
                }
            }
        }
        return "warmed the servers up first (not timed): " + dns + " DNS answers for names the trace does not ask, "
                + https + " HTTPS requests (HTTP/1.1 and HTTP/2)" + (h3 > 0 ? " and " + h3 + " HTTP/3 requests (new QUIC connections, resumed: 0-RTT)" : "")
                + " to the load balancer from its own host";
    }

    /** The first zone a server's settings name ("root.zone" -> ".", "example.com.zone" -> "example.com."). */
    private static String zoneApex(ServiceSpec spec) {
        String file = spec.settings().path("zones").path(0).asText("root.zone");
        String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.zone$", "");
        return base.equals("root") ? "." : base + ".";
    }

    private static String serverName(ServiceSpec spec) {
        return spec.settings().path("tls").path("certificates").path(0).path("names").path(0).asText("api.example.com");
    }

    /** {@value #DNS_QUERIES} NS queries for {@code name.apply(i)}; answers are read and dropped. */
    private static int askDns(InetSocketAddress server, java.util.function.IntFunction<String> name) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            byte[] buffer = new byte[4096];
            int answered = 0;
            for (int i = 0; i < DNS_QUERIES; i++) {
                byte[] query = Message.newQuery(Record.newRecord(Name.fromString(name.apply(i)), Type.NS, DClass.IN)).toWire();
                socket.send(new DatagramPacket(query, query.length, server));
                try {
                    socket.receive(new DatagramPacket(buffer, buffer.length));
                    answered++;
                } catch (java.net.SocketTimeoutException e) {
                    // a lost answer changes nothing: this only runs the server's code
                }
            }
            return answered;
        }
    }

    /** Whether the balancer's settings turn HTTP/3 on ({@code http3: true} or a map of QUIC limits). */
    static boolean servesHttp3(ServiceSpec spec) {
        var h3 = spec.settings().path("http3");
        return h3.isObject() || h3.asBoolean(false);
    }

    /**
     * {@value #HTTPS_REQUESTS} requests over HTTP {@code version} from roundtrip's own tracing client
     * inside the balancer's host, each on a new connection, by address ({@code --connect-to} a
     * literal: no DNS).
     */
    private static int traceHttp(Lab lab, Host host, InetSocketAddress at, String serverName, String version) throws Exception {
        List<String> command = new java.util.ArrayList<>(lab.execPrefix(host.name()));
        command.addAll(SelfCommand.roundtrip(List.of("trace", "--http", version, "--repeat", Integer.toString(HTTPS_REQUESTS), "--no-reuse",
                "--connect-to", serverName + ":" + at.getPort() + ":" + at.getAddress().getHostAddress() + ":" + at.getPort(),
                "https://" + serverName + (at.getPort() == 443 ? "" : ":" + at.getPort()) + "/users", "--json")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return 0;
        }
        return p.exitValue() == 0 ? HTTPS_REQUESTS : 0;
    }

    /** {@value #HTTPS_REQUESTS} {@code GET /users} over new TLS connections (handshakes warm too). */
    private static int callHttps(InetSocketAddress lb, String serverName) throws Exception {
        SSLContext tls = TlsContexts.jdkClient(List.of(LocalCa.loadOrCreate(LocalCa.defaultDir()).certificate()));
        int ok = 0;
        byte[] request = ("GET /users HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\nUser-Agent: roundtrip-lab-warm-up\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < HTTPS_REQUESTS; i++) {
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(lb, 2000);
                socket.setSoTimeout(5000);
                SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
                socket.setSSLParameters(params);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] head = in.readNBytes(12);
                in.transferTo(OutputStream.nullOutputStream());
                if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 2")) {
                    ok++;
                }
            } catch (IOException e) {
                // the warm-up is best effort: the trace reports real failures
            }
        }
        return ok;
    }
}
