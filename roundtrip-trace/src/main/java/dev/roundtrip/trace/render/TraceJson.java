package dev.roundtrip.trace.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.AltSvcOutcome;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceResult;
import java.net.Inet6Address;
import java.util.List;
import java.util.Locale;

/**
 * Renders traced requests as JSON with a stable schema, {@value #SCHEMA}: what
 * {@code roundtrip trace --json} prints. Fields are only ever added, never renamed or removed.
 *
 * <pre>
 * {
 *   "schema": "roundtrip-trace/1",
 *   "runs": [ {                                  one object per request (--repeat N gives N)
 *     "run": 1, "started_at": ISO-8601 instant, "method", "url",
 *     "ok": bool, "status": int (-1: no response), "protocol": "HTTP/1.1" | "h2" | "",
 *     "remote": {"address", "port", "ip_version": 4 | 6} | null,
 *     "connection": {"id": int (-1: none), "reused": bool},
 *     "request_bytes", "response_bytes": int,
 *     "time_namelookup", "time_connect", "time_appconnect", "time_pretransfer",
 *     "time_starttransfer", "time_total": seconds, curl's cumulative -w marks (0 when not reached),
 *     "phases": [ {"name": "dns"|"tcp"|"tls"|"request"|"wait"|"download",
 *                  "happened": bool, "start_ms": number | null, "duration_ms": number | null,
 *                  "note": why it did not happen | null} ]    always all six, in order,
 *     "dns_steps": [ {"source": "stub_cache"|"resolver_cache"|"query", "server", "zone",
 *                     "question", "outcome", "rtt_ms"} ],
 *     "tls": {"version", "cipher", "alpn", "subject", "issuer", "names": [..], "not_after",
 *             "resumed": bool} | null,
 *     "server_timing": [ {"name", "duration_ms": number | null, "description"} ],
 *     "request_headers", "response_headers": [ {"name", "value"} ],
 *     "failure": {"class": e.g. "tls-name-mismatch", "exit_code", "phase", "at_ms", "message"} | null,
 *     "alt_svc": {                                 null unless the call had an Alt-Svc h3 alternative (--http auto)
 *       "result": "h3" | "h3_tcp_abandoned" | "tcp_quic_failed" | "tcp_quic_abandoned" | "both_failed" | "tcp_broken",
 *       "h3_port", "fallback_delay_ms", "why": one line, "broken_reason": "" while the alternative works,
 *       "quic", "tcp": {"start_ms", "duration_ms", "end": "ready"|"failed"|"abandoned", "error"} | null  (the attempts)
 *     } | null
 *   } ]
 * }
 * </pre>
 */
public final class TraceJson {
    public static final String SCHEMA = "roundtrip-trace/1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TraceJson() {}

    /** The JSON document for {@code runs}, pretty-printed. */
    public static String render(List<TraceResult> runs) {
        try {
            return MAPPER.writeValueAsString(document(runs));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON rendering failed", e);
        }
    }

    /** The JSON document for one timeline alone (no headers, no failure class). */
    public static String render(Timeline timeline) {
        return render(List.of(TraceResult.of(timeline)));
    }

    /** The document as a tree, for callers that embed it. */
    public static ObjectNode document(List<TraceResult> runs) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        ArrayNode array = root.putArray("runs");
        for (int i = 0; i < runs.size(); i++) {
            array.add(run(i + 1, runs.get(i)));
        }
        return root;
    }

    private static ObjectNode run(int number, TraceResult r) {
        Timeline t = r.timeline();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("run", number);
        o.put("started_at", r.startedAt().toString());
        o.put("method", t.method());
        o.put("url", String.valueOf(t.url()));
        o.put("ok", t.succeeded());
        o.put("status", t.status());
        o.put("protocol", t.protocol());
        o.put("early_data", r.earlyData().name().toLowerCase(Locale.ROOT)); // not_sent, accepted, rejected, too_early
        o.put("body_sha256", r.bodySha256());
        if (t.remoteAddress() == null) {
            o.putNull("remote");
        } else {
            ObjectNode remote = o.putObject("remote");
            remote.put("address", t.remoteAddress().getAddress().getHostAddress());
            remote.put("port", t.remoteAddress().getPort());
            remote.put("ip_version", t.remoteAddress().getAddress() instanceof Inet6Address ? 6 : 4);
        }
        ObjectNode connection = o.putObject("connection");
        connection.put("id", r.connectionId());
        connection.put("reused", t.connectionReused());
        o.put("request_bytes", r.requestBytes());
        o.put("response_bytes", t.responseBytes());

        CurlTimings curl = CurlTimings.of(t);
        o.put("time_namelookup", CurlTimings.seconds(curl.namelookupNanos()));
        o.put("time_connect", CurlTimings.seconds(curl.connectNanos()));
        o.put("time_appconnect", CurlTimings.seconds(curl.appconnectNanos()));
        o.put("time_pretransfer", CurlTimings.seconds(curl.pretransferNanos()));
        o.put("time_starttransfer", CurlTimings.seconds(curl.starttransferNanos()));
        o.put("time_total", CurlTimings.seconds(curl.totalNanos()));

        ArrayNode phases = o.putArray("phases");
        for (PhaseKind kind : PhaseKind.values()) {
            if (!PhaseNotes.applies(t, kind)) {
                continue;
            }
            ObjectNode p = phases.addObject();
            p.put("name", kind.label());
            Phase phase = t.phase(kind).orElse(null);
            p.put("happened", phase != null);
            if (phase != null) {
                p.put("start_ms", millis(phase.startNanos()));
                p.put("duration_ms", millis(phase.durationNanos()));
                p.putNull("note");
            } else {
                p.putNull("start_ms");
                p.putNull("duration_ms");
                p.put("note", PhaseNotes.whyMissing(t, kind).orElse(null));
            }
        }

        ArrayNode steps = o.putArray("dns_steps");
        for (DnsStep s : t.dnsSteps()) {
            ObjectNode step = steps.addObject();
            step.put("source", s.source().name().toLowerCase(Locale.ROOT));
            step.put("server", s.server());
            step.put("zone", s.zone());
            step.put("question", s.question());
            step.put("outcome", s.outcome());
            step.put("rtt_ms", millis(s.rttNanos()));
        }

        TlsInfo tls = t.tls();
        if (tls == null) {
            o.putNull("tls");
        } else {
            ObjectNode n = o.putObject("tls");
            n.put("version", tls.version());
            n.put("cipher", tls.cipherSuite());
            n.put("alpn", tls.alpn());
            n.put("subject", tls.peerSubject());
            n.put("issuer", tls.peerIssuer());
            ArrayNode names = n.putArray("names");
            tls.peerNames().forEach(names::add);
            n.put("not_after", String.valueOf(tls.peerNotAfter()));
            n.put("resumed", tls.resumed());
        }

        ArrayNode timings = o.putArray("server_timing");
        for (ServerTiming s : t.serverTimings()) {
            ObjectNode st = timings.addObject();
            st.put("name", s.name());
            if (s.durationMillis() >= 0) {
                st.put("duration_ms", s.durationMillis());
            } else {
                st.putNull("duration_ms");
            }
            st.put("description", s.description());
        }
        headers(o.putArray("request_headers"), r.requestHeaders());
        headers(o.putArray("response_headers"), r.responseHeaders());

        if (t.failure() == null) {
            o.putNull("failure");
        } else {
            ObjectNode f = o.putObject("failure");
            f.put("class", r.failureClass() == null ? "unknown" : r.failureClass().id());
            f.put("exit_code", r.exitCode());
            f.put("phase", t.failure().phase().label());
            f.put("at_ms", millis(t.failure().atNanos()));
            f.put("message", t.failure().message());
        }
        AltSvcOutcome alt = r.altSvc();
        if (alt == null) {
            o.putNull("alt_svc");
        } else {
            ObjectNode a = o.putObject("alt_svc");
            a.put("result", alt.result().id());
            a.put("h3_port", alt.h3Port());
            a.put("fallback_delay_ms", millis(alt.fallbackDelay().toNanos()));
            a.put("why", alt.explain());
            a.put("broken_reason", alt.brokenReason());
            attempt(a, "quic", alt.quic());
            attempt(a, "tcp", alt.tcp());
        }
        return o;
    }

    private static void attempt(ObjectNode parent, String name, AltSvcOutcome.Attempt attempt) {
        if (attempt == null) {
            parent.putNull(name);
            return;
        }
        ObjectNode n = parent.putObject(name);
        n.put("start_ms", millis(attempt.startNanos()));
        n.put("duration_ms", millis(attempt.durationNanos()));
        n.put("end", attempt.end().id());
        n.put("error", attempt.error());
    }

    private static void headers(ArrayNode array, List<Header> headers) {
        for (Header h : headers) {
            ObjectNode n = array.addObject();
            n.put("name", h.name());
            n.put("value", h.value());
        }
    }

    /** Milliseconds with microsecond precision. */
    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
