package dev.roundtrip.app.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.TimeUnit;

/**
 * Ends an exchange whose request will not be read to the end (a malformed request, a body too
 * large to keep the connection for).
 *
 * <p>An HTTP/2 stream is reset with NO_ERROR after the complete response, which asks the client to
 * stop sending without failing the response it already has (RFC 9113 section 8.1). An HTTP/1.1
 * connection is closed the lingering way (RFC 9112 section 9.6): first only our sending side, so
 * the response is not destroyed by a TCP reset when the client's remaining bytes arrive at a
 * closed socket, then the whole connection once the client closes or after {@value #LINGER_MILLIS} ms.
 */
final class StreamEnd {
    static final long LINGER_MILLIS = 2_000;

    private StreamEnd() {}

    static ChannelFutureListener afterResponse() {
        return (ChannelFuture f) -> {
            Channel channel = f.channel();
            if (channel instanceof Http2StreamChannel stream) {
                if (f.isSuccess()) {
                    stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
                }
                return;
            }
            if (!f.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            channel.config().setAutoRead(true); // keep reading (and discarding) until the client closes
            duplex.shutdownOutput().addListener(done ->
                    channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
        };
    }
}
