package dev.roundtrip.core.timeline;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the events of one call into a {@link Timeline}, stamping each with one injected clock.
 * The phases follow curl's and HAR's definitions: WAIT runs from the end of the request to the
 * first response byte, RECEIVE from there to the end of the body.
 *
 * <p>Thread-safe: events may come from the caller and from an event loop.
 */
public final class TimelineRecorder implements RequestListener {
    private final MonotonicClock clock;
    private final Map<PhaseKind, long[]> marks = new EnumMap<>(PhaseKind.class); // {start, end or -1}
    private final List<DnsStep> dnsSteps = new ArrayList<>();
    private final List<ServerTiming> serverTimings = new ArrayList<>();
    private long callStart = -1;
    private long callEnd = -1;
    private String method = "GET";
    private URI url;
    private InetSocketAddress remote;
    private boolean reused;
    private TlsInfo tls;
    private String protocol = "";
    private int status = -1;
    private long responseBytes;
    private Timeline.Failure failure;

    public TimelineRecorder(MonotonicClock clock) {
        this.clock = clock;
    }

    private long now() {
        return clock.nanoTime();
    }

    private void start(PhaseKind kind) {
        marks.put(kind, new long[] {now(), -1});
    }

    private void end(PhaseKind kind) {
        long[] m = marks.get(kind);
        if (m != null && m[1] < 0) {
            m[1] = now();
        }
    }

    @Override
    public synchronized void callStart(String method, URI url) {
        this.method = method;
        this.url = url;
        callStart = now();
    }

    @Override public synchronized void dnsStart(String host) { start(PhaseKind.DNS); }
    @Override public synchronized void dnsStep(DnsStep step) { dnsSteps.add(step); }
    @Override public synchronized void dnsEnd(String host, List<java.net.InetAddress> addresses) { end(PhaseKind.DNS); }

    @Override
    public synchronized void connectStart(InetSocketAddress address) {
        remote = address;
        start(PhaseKind.CONNECT);
    }

    @Override public synchronized void connectEnd(InetSocketAddress address) { end(PhaseKind.CONNECT); }

    @Override
    public synchronized void connectionReused(InetSocketAddress address) {
        remote = address;
        reused = true;
    }

    @Override public synchronized void tlsStart() { start(PhaseKind.TLS); }

    @Override
    public synchronized void tlsEnd(TlsInfo info) {
        tls = info;
        end(PhaseKind.TLS);
    }

    @Override
    public synchronized void quicStart(InetSocketAddress address) {
        remote = address;
        start(PhaseKind.QUIC);
    }

    @Override
    public synchronized void quicEnd(InetSocketAddress address, TlsInfo info) {
        tls = info;
        end(PhaseKind.QUIC);
    }

    @Override public synchronized void requestStart() { start(PhaseKind.SEND); }

    @Override
    public synchronized void requestEnd(long bytes) {
        end(PhaseKind.SEND);
        if (!marks.containsKey(PhaseKind.WAIT)) { // the answer may already have begun (an early response)
            start(PhaseKind.WAIT);
        }
    }

    @Override
    public synchronized void responseStart() {
        if (!marks.containsKey(PhaseKind.WAIT)) {
            start(PhaseKind.WAIT); // the server answered before the request was fully written
        }
        end(PhaseKind.WAIT);
        start(PhaseKind.RECEIVE);
    }

    @Override
    public synchronized void responseHeaders(String protocol, int status, Map<String, List<String>> headers) {
        this.protocol = protocol;
        this.status = status;
        List<String> values = headers.get("server-timing");
        if (values != null) {
            serverTimings.addAll(ServerTiming.parse(values));
        }
    }

    @Override
    public synchronized void responseEnd(long bodyBytes) {
        responseBytes = bodyBytes;
        end(PhaseKind.RECEIVE);
    }

    @Override
    public synchronized void callEnd() {
        callEnd = now();
    }

    @Override
    public synchronized void callFailed(PhaseKind phase, Throwable error) {
        callEnd = now();
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        failure = new Timeline.Failure(phase, callEnd - callStart, message);
        long[] m = marks.get(phase);
        if (m != null && m[1] < 0) {
            m[1] = callEnd;
        }
    }

    /** The timeline so far; call after {@link #callEnd()} or {@link #callFailed}. */
    public synchronized Timeline timeline() {
        if (callStart < 0) {
            throw new IllegalStateException("callStart was never recorded");
        }
        long end = callEnd >= 0 ? callEnd : now();
        List<Phase> phases = new ArrayList<>();
        for (PhaseKind kind : PhaseKind.values()) {
            long[] m = marks.get(kind);
            if (m != null && m[1] >= 0) {
                phases.add(new Phase(kind, m[0] - callStart, m[1] - m[0]));
            }
        }
        return new Timeline(method, url, phases, dnsSteps, remote, reused, tls, protocol, status,
                responseBytes, serverTimings, end - callStart, failure);
    }
}
