/**
 * HTTP server and client plumbing shared by roundtrip's servers (the edge load balancer, the app
 * tier), on Netty. The public API is small:
 *
 * <ul>
 *   <li>{@link dev.roundtrip.http.Transport}: epoll or NIO event loops and channel classes.
 *   <li>{@link dev.roundtrip.http.HttpServerInitializer} + {@link dev.roundtrip.http.HttpServer#bind}:
 *       a listening socket speaking HTTP/1.1, h2c (upgrade and prior knowledge) and, given
 *       certificates by SNI name, HTTP/2 or HTTP/1.1 over TLS by ALPN. Your handler (one per
 *       HTTP/1.1 connection or HTTP/2 stream) reads {@code FullHttpRequest} and writes one
 *       response per request, whole or streamed; keep-alive, pipelining order
 *       and the protocol errors are handled before it.
 *   <li>{@link dev.roundtrip.http.RequestHandler} and {@link dev.roundtrip.http.Downstream}: HTTP/2
 *       streams without a channel each; the handler gets each stream's {@code FullHttpRequest}
 *       and writes the response to the stream's {@code Downstream} (a
 *       {@link dev.roundtrip.http.ChannelDownstream} gives the same interface over a pipeline).
 *   <li>{@link dev.roundtrip.http.HttpLimits}: header/body sizes (431/413), header read timeout
 *       (408), idle timeout, max connections, HTTP/2 stream limit and rapid-reset guard.
 *   <li>{@link dev.roundtrip.http.ConnectionInfo}: peer, TLS, SNI and protocol of a request's connection.
 *   <li>{@link dev.roundtrip.http.PlainResponses}: short plain-text answers.
 *   <li>{@link dev.roundtrip.http.client.Http1ConnectionPool}: keep-alive HTTP/1.1 connections from
 *       one event loop to one upstream, responses streamed to an
 *       {@link dev.roundtrip.http.client.ExchangeListener} with backpressure, typed failures
 *       ({@link dev.roundtrip.http.client.UpstreamFailure.Kind}) that say what may be retried.
 * </ul>
 *
 * <p>A minimal server:
 * <pre>{@code
 * EventLoopGroup group = Transport.best().newGroup(0, "app");
 * HttpServerInitializer init = new HttpServerInitializer(HttpLimits.DEFAULTS, null, true, MyHandler::new);
 * Channel listener = HttpServer.bind(Transport.best(), group, group, network.bindAddress(lab), init).sync().channel();
 * }</pre>
 * Everything in {@code dev.roundtrip.http.internal} may change without notice.
 */
package dev.roundtrip.http;
