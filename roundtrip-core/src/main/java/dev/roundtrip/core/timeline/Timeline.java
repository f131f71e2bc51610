package dev.roundtrip.core.timeline;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The timeline of one request: what happened, when, and for how long. Immutable; built by a
 * {@link TimelineRecorder} from {@link RequestListener} events. Renderers (waterfall, JSON, HAR)
 * read only this.
 *
 * @param method the request method
 * @param url the request URL
 * @param phases the phases that happened, in order; times relative to the call start
 * @param dnsSteps the steps of the name resolution (cache hits and upstream queries)
 * @param remoteAddress the address connected to (or reused), null if the call never got that far
 * @param connectionReused whether a pooled connection carried the request
 * @param tls the TLS parameters, null for cleartext or a reused connection
 * @param protocol the HTTP protocol of the response ("HTTP/1.1", "h2"), empty if none arrived
 * @param status the HTTP status, or -1 when no response arrived
 * @param responseBytes bytes of the response body
 * @param serverTimings the server's own account of the waiting phase ({@code Server-Timing})
 * @param totalNanos from call start to call end (or failure)
 * @param failure what went wrong, null on success
 */
public record Timeline(String method, URI url, List<Phase> phases, List<DnsStep> dnsSteps,
                       InetSocketAddress remoteAddress, boolean connectionReused, TlsInfo tls,
                       String protocol, int status, long responseBytes, List<ServerTiming> serverTimings,
                       long totalNanos, Failure failure) {

    /**
     * Why a call failed.
     *
     * @param phase the phase in which it failed
     * @param atNanos when, relative to the call start
     * @param message a one-line description
     */
    public record Failure(PhaseKind phase, long atNanos, String message) {}

    public Timeline {
        phases = List.copyOf(phases);
        dnsSteps = List.copyOf(dnsSteps);
        serverTimings = List.copyOf(serverTimings);
    }

    /** The phase of this kind, if it happened. */
    public Optional<Phase> phase(PhaseKind kind) {
        return phases.stream().filter(p -> p.kind() == kind).findFirst();
    }

    public boolean succeeded() {
        return failure == null;
    }
}
