package dev.roundtrip.http.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Netty's response decoder for one pooled upstream connection, which carries one exchange at a
 * time. It is told each request's method before the request goes out, so that it knows a
 * response without a body (to HEAD, or a 2xx to CONNECT) as Netty's {@code HttpClientCodec} does
 * with its queue of methods, and it tells the connection when the first byte of a response
 * arrives, before any of it is decoded. Together with a plain {@code HttpRequestEncoder} it takes
 * the place of {@code HttpClientCodec} and of a handler of its own for the first byte: two fewer
 * handlers for every read and write of a connection the balancer uses for each request.
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
    private final Http1Connection connection;
    private HttpMethod method = HttpMethod.GET;

    UpstreamResponseDecoder(HttpDecoderConfig config, Http1Connection connection) {
        super(config);
        this.connection = connection;
    }

    /** The method of the request about to be sent: the response to it comes next. */
    void expect(HttpMethod requestMethod) {
        method = requestMethod;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            connection.bytesArrived();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        HttpStatusClass kind = ((HttpResponse) msg).status().codeClass(); // a response decoder makes only responses
        boolean noBody = HttpMethod.HEAD.equals(method) && kind != HttpStatusClass.INFORMATIONAL
                || HttpMethod.CONNECT.equals(method) && kind == HttpStatusClass.SUCCESS;
        return noBody || super.isContentAlwaysEmpty(msg);
    }
}
