package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The progress of one exchange on a connection: where it is (sending, waiting, receiving), what
 * has arrived, and the future that ends it exactly once. Event-loop only.
 */
final class ExchangeState {
    final RequestListener listener;
    final CompletableFuture<Response> result;
    final List<Header> requestHeaders;
    final String target;
    final List<Header> responseHeaders = new ArrayList<>();
    ScheduledFuture<?> timeout;
    long requestBytes;
    long bodyBytes;
    private final java.security.MessageDigest bodyDigest = sha256();
    boolean sent;
    boolean firstByte;
    String protocol = "";
    int status = -1;
    String reason = "";

    ExchangeState(RequestListener listener, CompletableFuture<Response> result, List<Header> requestHeaders, String target) {
        this.listener = listener;
        this.result = result;
        this.requestHeaders = List.copyOf(requestHeaders);
        this.target = target;
    }

    /** The phase the exchange is in: SEND until the request is written, WAIT until the first byte, then RECEIVE. */
    PhaseKind phase() {
        return firstByte ? PhaseKind.RECEIVE : sent ? PhaseKind.WAIT : PhaseKind.SEND;
    }

    boolean done() {
        return result.isDone();
    }

    /** The {@code :status} of an HTTP/2 or HTTP/3 response HEADERS frame, or -1 when it is missing or not 100-999. */
    static int pseudoStatus(CharSequence status) {
        try {
            int code = status == null ? -1 : Integer.parseInt(status.toString());
            return code < 100 || code > 999 ? -1 : code;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Records the final response head of an HTTP/2 or HTTP/3 exchange (pseudo-headers left out)
     * and returns its headers by name, for {@link RequestListener#responseHeaders}.
     */
    java.util.Map<String, List<String>> finalHead(int code, Iterable<java.util.Map.Entry<CharSequence, CharSequence>> headers) {
        status = code;
        java.util.Map<String, List<String>> byName = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<CharSequence, CharSequence> e : headers) {
            String name = e.getKey().toString();
            if (!name.startsWith(":")) {
                String value = e.getValue().toString();
                responseHeaders.add(new Header(name, value));
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return byName;
    }

    void sent(long bytes) {
        sent = true;
        requestBytes = bytes;
        listener.requestEnd(bytes);
    }

    /** A piece of the response body arrived: counted and fed to the body's SHA-256. */
    void body(io.netty.buffer.ByteBuf content) {
        bodyBytes += content.readableBytes();
        bodyDigest.update(content.nioBuffer());
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    void firstByte() {
        if (!firstByte) {
            firstByte = true;
            listener.responseStart();
        }
    }

    /** Ends the exchange successfully: responseEnd, then the future. */
    void complete() {
        if (done()) {
            return;
        }
        cancelTimeout();
        listener.responseEnd(bodyBytes);
        result.complete(new Response(protocol, status, reason, requestHeaders, responseHeaders, requestBytes, bodyBytes,
                java.util.HexFormat.of().formatHex(bodyDigest.digest())));
    }

    /** Ends the exchange with a failure classified for the phase it is in. */
    void fail(Throwable cause) {
        if (done()) {
            return;
        }
        cancelTimeout();
        TraceException e = FailureClassifier.classify(cause, phase(), target);
        result.completeExceptionally(e);
    }

    /** Ends the exchange with an HTTP protocol error described by {@code message}. */
    void protocolError(String message, Throwable cause) {
        fail(new TraceException(dev.roundtrip.trace.FailureClass.HTTP_PROTOCOL, phase(), "HTTP from " + target + ": " + message, cause));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
