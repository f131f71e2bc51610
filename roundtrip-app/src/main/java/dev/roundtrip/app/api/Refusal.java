package dev.roundtrip.app.api;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * An answer decided before a request reached {@link AppRequestHandler} (a body too large), passed
 * up the pipeline in place of the request so that it is written in its turn, after the responses
 * to the requests before it.
 *
 * @param response the error response, owned by whoever holds this refusal
 * @param keepConnection whether the connection goes on afterwards (the rest of the body is
 *     discarded) or ends
 */
record Refusal(FullHttpResponse response, boolean keepConnection) {}
