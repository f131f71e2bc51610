package dev.roundtrip.app.api;

import dev.roundtrip.core.timeline.MonotonicClock;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands requests from the event loops to virtual threads and stamps every response with what all
 * responses carry: {@code X-Served-By} (the instance), {@code Server-Timing} (app, db, db-pool) and
 * {@code traceresponse} (this server's span in the caller's W3C trace). At most
 * {@code maxInFlight} requests are served at once; the rest get 503 at once instead of queueing
 * without bound.
 *
 * <p>Thread-safe; shared by every connection of one app server.
 */
public final class Dispatcher {
    public static final String SERVED_BY = "x-served-by";
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final String instanceName;
    private final UsersApi api;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final MonotonicClock clock;

    public Dispatcher(String instanceName, UsersApi api, ExecutorService executor, int maxInFlight, MonotonicClock clock) {
        this.instanceName = instanceName;
        this.api = api;
        this.executor = executor;
        this.inFlight = new Semaphore(maxInFlight);
        this.clock = clock;
    }

    public MonotonicClock clock() {
        return clock;
    }

    /**
     * Serves {@code request} on a virtual thread and passes the finished response to {@code done},
     * on that thread; a request refused at once (503) is answered on the caller's thread. Never
     * throws; {@code done} is always called exactly once.
     */
    public void dispatch(ApiRequest request, long receivedNanos, Consumer<FullHttpResponse> done) {
        RequestTiming timing = new RequestTiming(clock, receivedNanos);
        TraceContext trace = TraceContext.serverSpan(request.header("traceparent").flatMap(TraceContext::parse),
                ThreadLocalRandom.current());
        if (!inFlight.tryAcquire()) {
            done.accept(stamp(UsersApi.error(ErrorCode.OVERLOADED, "too many requests in progress; retry later",
                    Map.of("retry-after", "1")), timing, Optional.of(trace)));
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    FullHttpResponse response;
                    try {
                        response = stamp(api.handle(request, timing), timing, Optional.of(trace));
                    } catch (RuntimeException e) {
                        // A response that cannot be built (a header Netty refuses) must still be answered.
                        log.error("{} {}: cannot build the response", request.method(), request.path(), e);
                        response = stamp(UsersApi.error(ErrorCode.INTERNAL, "internal error", Map.of()), timing, Optional.of(trace));
                    }
                    done.accept(response);
                } finally {
                    // Only once the response is handed on: a draining server waits for this count
                    // to reach zero before it stops its event loops.
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            done.accept(stamp(UsersApi.error(ErrorCode.OVERLOADED, "the server is stopping", Map.of()), timing, Optional.of(trace)));
        }
    }

    /** Requests being served now. */
    public int inFlight(int maxInFlight) {
        return maxInFlight - inFlight.availablePermits();
    }

    /** An error found before a request could be dispatched (malformed, too large), stamped like any other. */
    public FullHttpResponse reject(ErrorCode code, String message, long receivedNanos) {
        return stamp(UsersApi.error(code, message, Map.of()), new RequestTiming(clock, receivedNanos), Optional.empty());
    }

    private FullHttpResponse stamp(ApiResponse api, RequestTiming timing, Optional<TraceContext> trace) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(api.status()),
                Unpooled.wrappedBuffer(api.body()));
        api.headers().forEach((name, value) -> response.headers().set(name, value));
        boolean bodyless = api.status() == 204 || api.status() == 304; // RFC 9110 8.6: no Content-Length
        if (!bodyless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, api.body().length);
        }
        response.headers().set(SERVED_BY, instanceName);
        trace.ifPresent(t -> response.headers().set("traceresponse", t.toHeaderValue()));
        response.headers().set("server-timing", timing.headerValue());
        return response;
    }
}
