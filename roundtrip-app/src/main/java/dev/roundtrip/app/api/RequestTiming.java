package dev.roundtrip.app.api;

import dev.roundtrip.app.db.DbTimer;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.core.timeline.ServerTiming;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The server side of one request's latency budget: total time in the app tier (from the whole
 * request being read to the response being ready), and within it the time spent waiting for a
 * pooled connection and running SQL. Rendered as
 * {@code Server-Timing: app;dur=.., db;dur=.., db-pool;dur=..}, durations in milliseconds.
 *
 * <p>Used by one request at a time: the event loop creates it, the virtual thread serving the
 * request adds database time and reads it once at the end.
 */
public final class RequestTiming implements DbTimer {
    private final MonotonicClock clock;
    private final long receivedNanos;
    private long dbNanos;
    private long poolNanos;
    private int queries;

    public RequestTiming(MonotonicClock clock, long receivedNanos) {
        this.clock = clock;
        this.receivedNanos = receivedNanos;
    }

    @Override
    public void poolWaitNanos(long nanos) {
        poolNanos += Math.max(0, nanos);
    }

    @Override
    public void queryNanos(long nanos) {
        dbNanos += Math.max(0, nanos);
        queries++;
    }

    /** The metrics as of now: app (so far), db, db-pool. */
    public List<ServerTiming> metrics() {
        long appNanos = clock.nanoTime() - receivedNanos;
        return List.of(
                new ServerTiming("app", millis(appNanos), ""),
                new ServerTiming("db", millis(dbNanos), queries == 1 ? "1 call" : queries + " calls"),
                new ServerTiming("db-pool", millis(poolNanos), ""));
    }

    /** The {@code Server-Timing} header value as of now. */
    public String headerValue() {
        return metrics().stream().map(ServerTiming::toHeaderValue).collect(Collectors.joining(", "));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
