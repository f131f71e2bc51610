package dev.roundtrip.trace;

import dev.roundtrip.core.timeline.Timeline;
import java.time.Instant;
import java.util.List;

/**
 * One traced request: its {@link Timeline} plus what the timeline does not carry and HAR or the
 * user want: the wall-clock start, the headers as they travelled, which connection carried it and,
 * on failure, the class of failure (and so the exit code).
 *
 * @param timeline every phase, timed
 * @param startedAt wall-clock time of the call start (HAR {@code startedDateTime})
 * @param connectionId the connection that carried the request (same id = reused), -1 if none was reached
 * @param requestHeaders the request headers as sent (HTTP/2 pseudo-headers included)
 * @param responseHeaders the response headers in arrival order, empty when none arrived
 * @param statusText the HTTP/1.x reason phrase, empty for HTTP/2 or no response
 * @param requestBytes bytes of the request as framed on the connection, -1 if it was not sent
 * @param failureClass why the call failed, null on success
 * @param earlyData what became of TLS 0-RTT early data (HTTP/3 on a resumed connection)
 * @param bodySha256 the SHA-256 of the response body in lower-case hex, empty when no response arrived
 * @param altSvc what became of HTTP/3 when the call had an Alt-Svc alternative to follow
 *        ({@code --http auto}): used, fallen back to TCP, or skipped as broken; null otherwise
 */
public record TraceResult(Timeline timeline, Instant startedAt, int connectionId, List<Header> requestHeaders,
                          List<Header> responseHeaders, String statusText, long requestBytes, FailureClass failureClass,
                          EarlyData earlyData, String bodySha256, AltSvcOutcome altSvc) {
    /** A result of a call that followed no Alt-Svc alternative. */
    public TraceResult(Timeline timeline, Instant startedAt, int connectionId, List<Header> requestHeaders,
                       List<Header> responseHeaders, String statusText, long requestBytes, FailureClass failureClass,
                       EarlyData earlyData, String bodySha256) {
        this(timeline, startedAt, connectionId, requestHeaders, responseHeaders, statusText, requestBytes, failureClass, earlyData, bodySha256, null);
    }

    /** A result without early data (TCP, or a full QUIC handshake). */
    public TraceResult(Timeline timeline, Instant startedAt, int connectionId, List<Header> requestHeaders,
                       List<Header> responseHeaders, String statusText, long requestBytes, FailureClass failureClass) {
        this(timeline, startedAt, connectionId, requestHeaders, responseHeaders, statusText, requestBytes, failureClass, EarlyData.NOT_SENT, "", null);
    }

    public TraceResult {
        java.util.Objects.requireNonNull(earlyData, "earlyData");
        requestHeaders = List.copyOf(requestHeaders);
        responseHeaders = List.copyOf(responseHeaders);
    }

    /** A result that carries only a timeline (what a renderer gets when the caller has nothing more). */
    public static TraceResult of(Timeline timeline) {
        return new TraceResult(timeline, Instant.EPOCH, -1, List.of(), List.of(), "", -1, null);
    }

    public boolean succeeded() {
        return timeline.succeeded();
    }

    /** The process exit code for this result: 0 on success, the failure class's code otherwise. */
    public int exitCode() {
        return failureClass == null ? (timeline.succeeded() ? 0 : 1) : failureClass.exitCode();
    }
}
