package dev.roundtrip.edge.tunnel;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The client side of a tunnel being opened, as {@link TunnelExchange} drives it: an HTTP/1.1
 * connection that sent {@code Upgrade: websocket}, or an HTTP/2 stream that sent an extended
 * CONNECT. Called on the channel's event loop, exactly once: {@link #answer} or {@link #switched}.
 */
interface DownstreamSide {

    /** The connection or stream the client uses. */
    Channel channel();

    /** No tunnel: answer with this ordinary response (a gateway error, or the backend's non-101 answer). */
    void answer(FullHttpResponse response);

    /**
     * The backend switched protocols: answer the client (101 on HTTP/1.1, 200 on HTTP/2) with
     * {@code headers} (end-to-end headers of the backend's 101, Via added), and put the WebSocket
     * frame codec and a {@link FrameRelay} for {@code tunnel} where HTTP handling was.
     */
    void switched(HttpHeaders headers, Tunnel tunnel);
}
