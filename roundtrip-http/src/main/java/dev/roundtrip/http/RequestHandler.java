package dev.roundtrip.http;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles one request (well formed, within {@link HttpLimits}) whose response goes to a
 * {@link Downstream} it did not create: the way HTTP/2 streams reach an application when
 * {@link HttpServerInitializer} runs them without a channel per stream.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Takes {@code request} (the handler releases it) and answers it on {@code downstream}, now or
     * later, on the downstream's event loop.
     *
     * @return where the downstream's writability changes and its closing are reported
     */
    Downstream.Events handle(FullHttpRequest request, Downstream downstream);
}
