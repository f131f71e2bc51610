package dev.roundtrip.trace.client;

import dev.roundtrip.trace.ConnectTo;
import dev.roundtrip.trace.TraceRequest;
import java.util.List;

/**
 * Where a request goes: the URL's host and port (Host header, SNI, certificate check) and the host
 * and port actually connected to, after {@code --connect-to}. Pooled connections are keyed by it.
 *
 * @param tls whether the connection speaks TLS
 * @param urlHost the URL's host (no brackets)
 * @param urlPort the URL's port
 * @param connectHost the host to resolve and connect to (a name or an IP literal)
 * @param connectPort the port to connect to
 */
public record Route(boolean tls, String urlHost, int urlPort, String connectHost, int connectPort) {

    /** The route of {@code request}: the first matching {@code --connect-to} rule, or the URL itself. */
    public static Route of(TraceRequest request, List<ConnectTo> rules) {
        String host = request.host();
        int port = request.port();
        for (ConnectTo rule : rules) {
            if (rule.matches(host, port)) {
                return new Route(request.tls(), host, port,
                        rule.targetHost().isEmpty() ? host : rule.targetHost(),
                        rule.targetPort() < 0 ? port : rule.targetPort());
            }
        }
        return new Route(request.tls(), host, port, host, port);
    }

    /** Whether the connect host is an IP literal, so no name resolution happens. */
    public boolean connectsToLiteral() {
        String h = connectHost;
        return h.indexOf(':') >= 0 || (h.chars().allMatch(c -> c == '.' || Character.isDigit(c)) && h.split("\\.", -1).length == 4);
    }
}
