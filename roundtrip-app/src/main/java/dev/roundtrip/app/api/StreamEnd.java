package dev.roundtrip.app.api;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Ends an exchange whose request will not be read to the end (a body too large, a malformed
 * request): an HTTP/1.1 connection is closed, since its bytes can no longer be framed; an HTTP/2
 * stream is reset with NO_ERROR after the complete response, which asks the client to stop sending
 * without failing the response it already has (RFC 9113 section 8.1).
 */
final class StreamEnd {
    private StreamEnd() {}

    static ChannelFutureListener afterResponse() {
        return (ChannelFuture f) -> {
            if (f.channel() instanceof Http2StreamChannel stream && f.isSuccess()) {
                stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            } else {
                f.channel().close();
            }
        };
    }
}
