package dev.roundtrip.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Short plain-text responses for errors the server answers itself (400, 408, 413, 431, 502, ...). */
public final class PlainResponses {
    private PlainResponses() {}

    /** A response with {@code text} plus a newline as its body, and a Content-Length. */
    public static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, text + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** Like {@link #of} with {@code Connection: close}: the server closes after writing it. */
    public static FullHttpResponse closing(ByteBufAllocator alloc, HttpResponseStatus status, String text) {
        FullHttpResponse response = of(alloc, status, text);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
