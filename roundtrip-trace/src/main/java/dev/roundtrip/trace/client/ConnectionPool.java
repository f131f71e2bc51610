package dev.roundtrip.trace.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the tracing client's idle connections between calls, by {@link Route}, so a repeated
 * request skips DNS, TCP and TLS like a real client's. Bounded: at most {@link #MAX_IDLE} idle
 * connections; the oldest is closed when more come back. Thread-safe.
 */
public final class ConnectionPool {
    public static final int MAX_IDLE = 16;

    private final Map<Route, Deque<TraceConnection>> idle = new HashMap<>();
    private int size;

    /** An idle connection for {@code route} that can carry another exchange, or null. Dead ones are closed on the way. */
    public synchronized TraceConnection acquire(Route route) {
        Deque<TraceConnection> q = idle.get(route);
        while (q != null && !q.isEmpty()) {
            TraceConnection c = q.pollFirst();
            size--;
            if (c.reusable()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** Returns {@code connection} after an exchange; keeps it if it can be reused, closes it otherwise. */
    public void release(Route route, TraceConnection connection) {
        TraceConnection evicted = null;
        synchronized (this) {
            if (!connection.reusable()) {
                evicted = connection;
            } else {
                idle.computeIfAbsent(route, r -> new ArrayDeque<>()).addFirst(connection);
                size++;
                if (size > MAX_IDLE) {
                    evicted = evictOldest();
                }
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    public synchronized int idleCount() {
        return size;
    }

    /** Closes every idle connection. */
    public void closeAll() {
        List<TraceConnection> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
            size = 0;
        }
        all.forEach(TraceConnection::close);
    }

    private TraceConnection evictOldest() {
        TraceConnection oldest = null;
        Deque<TraceConnection> from = null;
        for (Deque<TraceConnection> q : idle.values()) {
            TraceConnection last = q.peekLast();
            if (last != null && (oldest == null || last.id() < oldest.id())) {
                oldest = last;
                from = q;
            }
        }
        if (from != null) {
            from.pollLast();
            size--;
        }
        return oldest;
    }
}
