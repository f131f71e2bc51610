package dev.roundtrip.cli.up;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.core.timeline.Timeline;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The demo's words: one line per phase of a traced request saying what happened in it, in the
 * spirit of "How the Internet Works", built only from the timeline and the host names of the
 * topology. Pure: the same timeline always gives the same text.
 */
final class Narration {
    private final Function<String, String> hostName; // "198.18.0.4:53" -> "a.root-servers.net"

    /** @param hostNames lab address (as {@link HostPort#format}) to host name */
    Narration(Map<String, String> hostNames) {
        this.hostName = address -> {
            String name = hostNames.get(address);
            return name == null ? address : name + " (" + address + ")";
        };
    }

    /** One line per phase, in order; phases that did not happen say why. */
    List<String> explain(Timeline t) {
        List<String> lines = new ArrayList<>();
        for (PhaseKind kind : PhaseKind.values()) {
            Optional<Phase> phase = t.phase(kind);
            if (kind == PhaseKind.QUIC && phase.isEmpty()) {
                continue; // TCP: no QUIC handshake to tell
            }
            String text = switch (kind) {
                case DNS -> dns(t);
                case CONNECT -> phase.isPresent()
                        ? "TCP: SYN, SYN-ACK, ACK with " + remote(t) + ": one round trip before any byte of the request."
                        : "TCP: no handshake, the connection to " + remote(t) + " from the last request was reused.";
                case TLS -> tls(t, phase.isPresent());
                case QUIC -> "QUIC: transport and TLS 1.3 handshake with " + remote(t) + " together, one round trip (HTTP/3 over UDP).";
                case SEND -> "request: " + t.method() + " " + t.url().getRawPath() + " written as "
                        + (t.protocol().equals("h2") ? "an HTTP/2 HEADERS frame on a new stream." : t.protocol() + " text.");
                case WAIT -> waiting(t);
                case RECEIVE -> "download: " + t.responseBytes() + " bytes of JSON (the users) arrived; status " + t.status() + ".";
            };
            lines.add(String.format(Locale.ROOT, "%-9s %s", kind.label(), text));
        }
        return lines;
    }

    private String remote(Timeline t) {
        InetSocketAddress r = t.remoteAddress();
        return r == null ? "the server" : "the load balancer " + hostName.apply(HostPort.format(r));
    }

    private String dns(Timeline t) {
        List<DnsStep> steps = t.dnsSteps();
        if (steps.isEmpty()) {
            return t.connectionReused()
                    ? "DNS: no lookup: the client still has an open connection to " + t.url().getHost()
                            + " (and the answer in its cache until the TTL runs out)."
                    : "DNS: no lookup: the URL names an IP address.";
        }
        DnsStep first = steps.getFirst();
        if (first.source() == DnsStep.Source.STUB_CACHE) {
            return "DNS: answered from the client's own cache (" + first.outcome() + "); no packet left the machine.";
        }
        StringBuilder out = new StringBuilder("DNS: the stub cache was empty, so the client asked the recursive resolver");
        boolean walked = steps.stream().anyMatch(s -> s.source() == DnsStep.Source.QUERY);
        if (!walked) {
            return out.append(", which answered from its cache.").toString();
        }
        // The A and AAAA lookups run side by side: one may find in the resolver's cache (or share in
        // flight) a referral the other just fetched, so each step says where its answer came from.
        out.append(", which walked the hierarchy (A and AAAA side by side):");
        for (DnsStep step : steps) {
            if (step.source() == DnsStep.Source.QUERY) {
                out.append(String.format(Locale.ROOT, "%n          - %s for %s: %s (%.1f ms)",
                        hostName.apply(step.server()), step.zone().isEmpty() ? step.question() : "zone " + step.zone(),
                        step.outcome(), step.rttNanos() / 1e6));
            } else {
                out.append(String.format(Locale.ROOT, "%n          - the resolver's cache for %s: %s",
                        step.question(), step.outcome()));
            }
        }
        return out.toString();
    }

    private static String tls(Timeline t, boolean happened) {
        if (!happened) {
            return t.connectionReused() ? "TLS: no handshake, the session of the reused connection carries on." : "TLS: none (cleartext).";
        }
        var tls = t.tls();
        if (tls == null) {
            return "TLS: handshake did not complete.";
        }
        return tls.version() + " handshake (" + tls.cipherSuite() + "): the server proved it holds the key of a certificate for "
                + String.join(", ", tls.peerNames()) + " signed by " + commonName(tls.peerIssuer()) + "; ALPN chose "
                + (tls.alpn().isEmpty() ? "nothing" : tls.alpn()) + (tls.resumed() ? "; session resumed." : ".");
    }

    private static String waiting(Timeline t) {
        StringBuilder out = new StringBuilder("wait: time to first byte. ");
        List<ServerTiming> timings = t.serverTimings();
        if (timings.isEmpty()) {
            return out.append("The server sent no Server-Timing, so its share is unknown.").toString();
        }
        out.append("Inside it, by the servers' own account:");
        for (ServerTiming s : timings) {
            out.append(String.format(Locale.ROOT, " %s %.2f ms%s;", s.name(), s.durationMillis(), explainTiming(s.name())));
        }
        out.setLength(out.length() - 1);
        return out.append('.').toString();
    }

    private static String explainTiming(String name) {
        return switch (name) {
            case "lb" -> " (load balancer: pick an app server, forward, wait)";
            case "app" -> " (app server: route, query, serialise)";
            case "db" -> " (database queries)";
            case "db-pool" -> " (waiting for a pooled database connection)";
            default -> "";
        };
    }

    private static String commonName(String dn) {
        for (String part : dn.split(",")) {
            String p = part.strip();
            if (p.startsWith("CN=")) {
                return p.substring(3);
            }
        }
        return dn;
    }
}
