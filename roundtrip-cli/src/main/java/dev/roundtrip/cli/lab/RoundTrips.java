package dev.roundtrip.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.core.topology.Host;
import dev.roundtrip.core.topology.Topology;
import dev.roundtrip.lab.topology.Geography;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a traced request should have cost, from the configured distances, next to what it did
 * cost: the decision part of the lab's scenarios (a pure function of a trace's JSON, the topology
 * and its geography), so it is tested without a lab.
 *
 * <p>The theory: cold DNS is the round trip to the client's resolver plus one round trip from the
 * resolver to each zone's server it asked (root, TLD, authoritative; the A and AAAA walks run side
 * by side, so each zone counts once); TCP's handshake is 1 RTT to the load balancer; TLS 1.3 is 1
 * RTT; the request is 1 RTT plus the time the servers took (the balancer's {@code Server-Timing: lb},
 * which contains the app's and the database's).
 */
final class RoundTrips {
    /** One phase: measured and predicted milliseconds, and the round trips it took (-1: not a multiple of one path). */
    record Phase(String name, double measuredMs, double predictedMs, double roundTrips, double serverMs) {}

    /** One client's phases, cold then warm. */
    record Row(String client, double rttMs, List<Phase> phases) {
        Optional<Phase> phase(String name) {
            return phases.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    private RoundTrips() {}

    /**
     * The phases of the cold run ({@code runs[0]}) and the warm one ({@code runs[1]}) of
     * {@code client}'s trace.
     */
    static Row of(String client, JsonNode runs, Topology topology, Geography geography) {
        Host clientHost = topology.host(client).orElseThrow();
        Host lb = TokyoVsNewYorkCommand.loadBalancer(topology);
        Host resolver = TokyoVsNewYorkCommand.resolverFor(topology, clientHost);
        double rtt = millis(geography.rtt(client, lb.name()));
        List<Phase> phases = new ArrayList<>();
        JsonNode cold = runs.get(0);

        double dnsMeasured = phaseMs(cold, "dns");
        double dnsPredicted = millis(geography.rtt(client, resolver.name()));
        Set<String> zones = new LinkedHashSet<>();
        for (JsonNode step : cold.path("dns_steps")) {
            if (!step.path("source").asText().equals("query")) {
                continue;
            }
            Optional<Host> server = hostAt(topology, step.path("server").asText());
            if (server.isEmpty() || server.get().name().equals(resolver.name())) {
                continue; // the stub's question to the resolver is the first term
            }
            if (zones.add(step.path("zone").asText() + "@" + server.get().name())) {
                dnsPredicted += millis(geography.rtt(resolver.name(), server.get().name()));
            }
        }
        phases.add(new Phase("dns", dnsMeasured, dnsPredicted, -1, 0));
        phases.add(new Phase("tcp", phaseMs(cold, "tcp"), rtt, phaseMs(cold, "tcp") / rtt, 0));
        phases.add(new Phase("tls", phaseMs(cold, "tls"), rtt, phaseMs(cold, "tls") / rtt, 0));
        double server = serverMs(cold);
        double wait = phaseMs(cold, "wait");
        phases.add(new Phase("wait", wait, rtt + server, (wait - server) / rtt, server));
        double total = cold.path("time_total").asDouble() * 1000;
        double predictedTotal = phases.stream().mapToDouble(Phase::predictedMs).sum();
        phases.add(new Phase("total", total, predictedTotal, -1, server));
        if (runs.size() > 1) {
            JsonNode warm = runs.get(1);
            double warmServer = serverMs(warm);
            double warmTotal = warm.path("time_total").asDouble() * 1000;
            phases.add(new Phase("warm total", warmTotal, rtt + warmServer, (warmTotal - warmServer) / rtt, warmServer));
        }
        return new Row(client, rtt, phases);
    }

    /** The host whose address {@code server} ("addr:port" or "[v6]:port") names. */
    static Optional<Host> hostAt(Topology topology, String server) {
        int colon = server.lastIndexOf(':');
        String address = (colon > 0 ? server.substring(0, colon) : server).replace("[", "").replace("]", "");
        return topology.hosts().stream().filter(h -> h.address().getHostAddress().equals(address)).findFirst();
    }

    private static double phaseMs(JsonNode run, String name) {
        for (JsonNode p : run.path("phases")) {
            if (p.path("name").asText().equals(name) && p.path("happened").asBoolean()) {
                return p.path("duration_ms").asDouble();
            }
        }
        return 0;
    }

    /** The balancer's own Server-Timing (it contains the app's and the database's); 0 without one. */
    static double serverMs(JsonNode run) {
        for (JsonNode st : run.path("server_timing")) {
            if (st.path("name").asText().equals("lb") && st.path("duration_ms").isNumber()) {
                return st.path("duration_ms").asDouble();
            }
        }
        return 0;
    }

    private static double millis(java.time.Duration d) {
        return d.toNanos() / 1e6;
    }

    /** The table: one block of columns per client. */
    static void print(PrintWriter out, List<Row> rows) {
        out.println("round trips: measured vs what the configured distances predict");
        StringBuilder head1 = new StringBuilder(String.format(Locale.ROOT, "%-20s", ""));
        StringBuilder head2 = new StringBuilder(String.format(Locale.ROOT, "%-20s", "phase"));
        for (Row r : rows) {
            head1.append(String.format(Locale.ROOT, " %-38s", r.client() + " (RTT " + fmt(r.rttMs()) + ")"));
            head2.append(String.format(Locale.ROOT, " %-11s%-12s%-15s", "measured", "predicted", "round trips"));
        }
        out.println(head1.toString().stripTrailing());
        out.println(head2.toString().stripTrailing());
        for (Phase template : rows.getFirst().phases()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s", label(template.name())));
            for (Row r : rows) {
                Phase p = r.phase(template.name()).orElse(null);
                if (p == null) {
                    line.append(String.format(Locale.ROOT, " %-38s", "-"));
                    continue;
                }
                String trips = p.roundTrips() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", p.roundTrips());
                line.append(String.format(Locale.ROOT, " %-11s%-12s%-15s", fmt(p.measuredMs()), fmt(p.predictedMs()), trips));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println("(wait and warm: round trips after taking out the servers' own time, Server-Timing lb)");
    }

    private static String label(String phase) {
        return switch (phase) {
            case "dns" -> "dns (cold walk)";
            case "tcp" -> "tcp handshake";
            case "tls" -> "tls 1.3";
            case "wait" -> "request -> 1st byte";
            case "total" -> "total (cold)";
            default -> phase;
        };
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    /** The rows as JSON: {"clients":[{"client":..., "rtt_ms":..., "phases":[...]}]}. */
    static String json(List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode clients = root.putArray("clients");
        for (Row r : rows) {
            ObjectNode c = clients.addObject();
            c.put("client", r.client());
            c.put("rtt_ms", r.rttMs());
            ArrayNode phases = c.putArray("phases");
            for (Phase p : r.phases()) {
                ObjectNode o = phases.addObject();
                o.put("phase", p.name());
                o.put("measured_ms", p.measuredMs());
                o.put("predicted_ms", p.predictedMs());
                if (p.roundTrips() >= 0) {
                    o.put("round_trips", p.roundTrips());
                }
                o.put("server_ms", p.serverMs());
            }
        }
        return root.toString();
    }
}
