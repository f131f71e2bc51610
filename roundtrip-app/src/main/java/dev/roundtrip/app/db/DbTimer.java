package dev.roundtrip.app.db;

/**
 * Told how long one database call waited for a pooled connection and how long it then spent in
 * JDBC; the app tier adds these up per request into {@code Server-Timing: db-pool, db}.
 *
 * <p>Called on the thread that made the call; implementations must be fast and never throw.
 */
public interface DbTimer {
    DbTimer NONE = new DbTimer() {
        @Override
        public void poolWaitNanos(long nanos) {}

        @Override
        public void queryNanos(long nanos) {}
    };

    /** Time from asking the pool for a connection to holding one. */
    void poolWaitNanos(long nanos);

    /** Time spent running statements on the connection, up to giving it back. */
    void queryNanos(long nanos);
}
