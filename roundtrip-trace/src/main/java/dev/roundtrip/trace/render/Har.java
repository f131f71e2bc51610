package dev.roundtrip.trace.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.core.timeline.Phase;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.core.timeline.Timeline;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Renders traced requests as a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/), the
 * format browser developer tools and HAR viewers open: one page, one entry per request.
 *
 * <p>Timings map from the timeline as HAR defines them: {@code dns}, {@code connect} (TCP <em>and</em>
 * TLS, as the spec keeps {@code ssl} inside it), {@code ssl}, {@code send}, {@code wait},
 * {@code receive}; -1 for a phase that did not happen. {@code blocked} is the rest of the call:
 * the client's own work between phases (pool lookup, pipeline setup), so that, as the spec
 * requires, {@code time} is exactly the sum of all timings except {@code ssl}. Values are
 * milliseconds rounded to microseconds before summing, so the sum holds exactly. Server-Timing
 * metrics and failures go into the custom fields {@code _serverTiming} and {@code _error}.
 */
public final class Har {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Har() {}

    /** The HAR document for {@code runs}, pretty-printed. */
    public static String render(List<TraceResult> runs) {
        try {
            return MAPPER.writeValueAsString(document(runs));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("HAR rendering failed", e);
        }
    }

    public static String render(Timeline timeline) {
        return render(List.of(TraceResult.of(timeline)));
    }

    public static ObjectNode document(List<TraceResult> runs) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode log = root.putObject("log");
        log.put("version", "1.2");
        ObjectNode creator = log.putObject("creator");
        creator.put("name", "roundtrip trace");
        creator.put("version", version());
        ArrayNode pages = log.putArray("pages");
        if (!runs.isEmpty()) {
            ObjectNode page = pages.addObject();
            page.put("startedDateTime", runs.getFirst().startedAt().toString());
            page.put("id", "page_1");
            page.put("title", String.valueOf(runs.getFirst().timeline().url()));
            ObjectNode pageTimings = page.putObject("pageTimings");
            pageTimings.put("onContentLoad", -1);
            pageTimings.put("onLoad", -1);
        }
        ArrayNode entries = log.putArray("entries");
        for (TraceResult r : runs) {
            entries.add(entry(r));
        }
        return root;
    }

    private static ObjectNode entry(TraceResult r) {
        Timeline t = r.timeline();
        ObjectNode e = MAPPER.createObjectNode();
        e.put("pageref", "page_1");
        e.put("startedDateTime", r.startedAt().toString());

        long dns = duration(t, PhaseKind.DNS);
        // HTTP/3: the QUIC handshake is both: HAR's "connect" includes its "ssl" time
        boolean quic = t.phase(PhaseKind.QUIC).isPresent();
        long tcp = quic ? duration(t, PhaseKind.QUIC) : duration(t, PhaseKind.CONNECT);
        long ssl = quic ? duration(t, PhaseKind.QUIC) : duration(t, PhaseKind.TLS);
        long connect = tcp < 0 ? -1 : tcp + Math.max(0, ssl);
        if (quic) {
            connect = tcp;
        } else if (tcp >= 0 && ssl >= 0) { // TLS starts right after TCP; count the gap between them as connect time
            connect = t.phase(PhaseKind.TLS).orElseThrow().endNanos() - t.phase(PhaseKind.CONNECT).orElseThrow().startNanos();
        }
        long send = Math.max(0, duration(t, PhaseKind.SEND));
        long wait = Math.max(0, duration(t, PhaseKind.WAIT));
        long receive = Math.max(0, duration(t, PhaseKind.RECEIVE));
        long dnsUs = micros(dns), connectUs = micros(connect), sslUs = micros(ssl);
        long sendUs = micros(send), waitUs = micros(wait), receiveUs = micros(receive);
        long known = Math.max(0, dnsUs) + Math.max(0, connectUs) + sendUs + waitUs + receiveUs;
        long blockedUs = Math.max(0, micros(t.totalNanos()) - known);
        long timeUs = known + blockedUs;
        e.put("time", ms(timeUs));

        ObjectNode request = e.putObject("request");
        request.put("method", t.method());
        request.put("url", String.valueOf(t.url()));
        request.put("httpVersion", httpVersion(t.protocol()));
        request.putArray("cookies");
        headers(request.putArray("headers"), r.requestHeaders(), true);
        ArrayNode query = request.putArray("queryString");
        if (t.url() != null && t.url().getRawQuery() != null) {
            for (String pair : t.url().getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                ObjectNode q = query.addObject();
                q.put("name", decode(eq < 0 ? pair : pair.substring(0, eq)));
                q.put("value", eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        request.put("headersSize", -1);
        long requestBody = contentLength(r.requestHeaders());
        request.put("bodySize", requestBody);

        ObjectNode response = e.putObject("response");
        response.put("status", Math.max(0, t.status()));
        response.put("statusText", r.statusText());
        response.put("httpVersion", httpVersion(t.protocol()));
        response.putArray("cookies");
        headers(response.putArray("headers"), r.responseHeaders(), false);
        ObjectNode content = response.putObject("content");
        content.put("size", t.responseBytes());
        content.put("mimeType", r.responseHeaders().stream().filter(h -> h.name().equalsIgnoreCase("content-type"))
                .map(Header::value).findFirst().orElse("x-unknown"));
        response.put("redirectURL", r.responseHeaders().stream().filter(h -> h.name().equalsIgnoreCase("location"))
                .map(Header::value).findFirst().orElse(""));
        response.put("headersSize", -1);
        response.put("bodySize", t.status() < 0 ? -1 : t.responseBytes());

        e.putObject("cache");
        ObjectNode timings = e.putObject("timings");
        timings.put("blocked", ms(blockedUs));
        timings.put("dns", dnsUs < 0 ? -1 : ms(dnsUs));
        timings.put("connect", connectUs < 0 ? -1 : ms(connectUs));
        timings.put("send", ms(sendUs));
        timings.put("wait", ms(waitUs));
        timings.put("receive", ms(receiveUs));
        timings.put("ssl", sslUs < 0 ? -1 : ms(sslUs));
        if (t.remoteAddress() != null) {
            e.put("serverIPAddress", t.remoteAddress().getAddress().getHostAddress());
        }
        if (r.connectionId() >= 0) {
            e.put("connection", Integer.toString(r.connectionId()));
        }
        ArrayNode serverTiming = e.putArray("_serverTiming");
        for (ServerTiming s : t.serverTimings()) {
            ObjectNode st = serverTiming.addObject();
            st.put("name", s.name());
            st.put("duration", s.durationMillis());
            st.put("description", s.description());
        }
        if (t.failure() != null) {
            e.put("_error", t.failure().message());
            e.put("_errorPhase", t.failure().phase().label());
        }
        return e;
    }

    private static long duration(Timeline t, PhaseKind kind) {
        return t.phase(kind).map(Phase::durationNanos).orElse(-1L);
    }

    private static long micros(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1_000.0);
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }

    private static String httpVersion(String protocol) {
        return switch (protocol) {
            case "h2" -> "HTTP/2.0";
            case "h3" -> "HTTP/3.0";
            case "" -> "";
            default -> protocol;
        };
    }

    private static void headers(ArrayNode array, List<Header> headers, boolean skipPseudo) {
        for (Header h : headers) {
            if (skipPseudo && h.name().startsWith(":")) {
                continue;
            }
            ObjectNode n = array.addObject();
            n.put("name", h.name());
            n.put("value", h.value());
        }
    }

    private static long contentLength(List<Header> headers) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("content-length")) {
                try {
                    return Long.parseLong(h.value().strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is shown as it was sent
        }
    }

    private static String version() {
        String v = Har.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
