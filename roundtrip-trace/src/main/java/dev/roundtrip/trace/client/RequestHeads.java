package dev.roundtrip.trace.client;

import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides the header fields a traced request carries, for HTTP/1.1 and for HTTP/2: the defaults
 * curl sends (Host, User-Agent, Accept, and Content-Length/Content-Type with a body), then the
 * user's {@code -H} headers, which replace a default of the same name. Pure.
 */
public final class RequestHeads {
    public static final String USER_AGENT = "roundtrip-trace/0.1";

    /** RFC 9113 section 8.2.2: connection-specific fields must not appear in HTTP/2. */
    private static final Set<String> HTTP2_FORBIDDEN = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "host");

    private RequestHeads() {}

    /** The HTTP/1.1 header fields, in sending order. */
    public static List<Header> http1(TraceRequest request) {
        List<Header> out = new ArrayList<>();
        out.add(new Header("Host", request.authority()));
        out.addAll(common(request));
        return override(out, request.headers());
    }

    /** The HTTP/2 fields: pseudo-headers first (RFC 9113 section 8.3.1), names lower-case. */
    public static List<Header> http2(TraceRequest request) {
        List<Header> out = new ArrayList<>();
        for (Header h : override(common(request), request.headers())) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!HTTP2_FORBIDDEN.contains(name)) {
                out.add(new Header(name, h.value()));
            }
        }
        String authority = request.authority();
        for (Header h : request.headers()) {
            if (h.name().equalsIgnoreCase("host")) {
                authority = h.value();
            }
        }
        List<Header> pseudo = new ArrayList<>(List.of(
                new Header(":method", request.method()),
                new Header(":scheme", request.tls() ? "https" : "http"),
                new Header(":authority", authority),
                new Header(":path", request.target())));
        pseudo.addAll(out);
        return pseudo;
    }

    private static List<Header> common(TraceRequest request) {
        List<Header> out = new ArrayList<>();
        out.add(new Header("User-Agent", USER_AGENT));
        out.add(new Header("Accept", "*/*"));
        int bodyLength = request.body().length;
        if (bodyLength > 0 || Set.of("POST", "PUT", "PATCH").contains(request.method())) {
            out.add(new Header("Content-Length", Integer.toString(bodyLength)));
        }
        if (bodyLength > 0) {
            out.add(new Header("Content-Type", "application/x-www-form-urlencoded")); // as curl -d
        }
        return out;
    }

    /** Defaults in order, each replaced by the user's header of the same name; the user's others follow. */
    private static List<Header> override(List<Header> defaults, List<Header> user) {
        List<Header> out = new ArrayList<>();
        for (Header d : defaults) {
            if (user.stream().noneMatch(u -> u.name().equalsIgnoreCase(d.name()))) {
                out.add(d);
            }
        }
        out.addAll(user);
        return out;
    }
}
