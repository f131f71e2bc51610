package dev.roundtrip.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client's side of one request, where its response goes: an HTTP/1.1 connection, an HTTP/3
 * stream (both {@link ChannelDownstream}), or an HTTP/2 stream driven by the connection's
 * {@link Http2StreamDispatcher} without a channel of its own. Every method is called on
 * {@link #channel()}'s event loop; writes are not flushed until {@link #flush()}.
 */
public interface Downstream {

    /** The channel the request came on (its event loop, allocator and {@link ConnectionInfo}); an HTTP/2 stream answers its connection. */
    Channel channel();

    /** Whether the response can still be written (the client has not gone away, the stream was not reset). */
    boolean isOpen();

    /** Whether the client takes more bytes now; once false, {@link Events#writabilityChanged()} tells when that changes. */
    boolean isWritable();

    /**
     * Writes the response head: a {@link io.netty.handler.codec.http.FullHttpResponse} is the whole
     * response, any other {@link HttpResponse} is followed by {@link #writeContent} calls. Released
     * unwritten when the downstream is no longer open. Its header fields (and trailers) must have
     * been validated as they were added, as Netty's {@code DefaultHttpHeaders} and HTTP decoders do
     * by default: they are not checked again on the way out.
     */
    void writeHead(HttpResponse head);

    /** Writes one piece of the body; a {@link io.netty.handler.codec.http.LastHttpContent} ends the response. */
    void writeContent(HttpContent content);

    void flush();

    /**
     * Ends a response that cannot be completed (its upstream failed after the head went out) so
     * that the client sees it incomplete: RST_STREAM INTERNAL_ERROR on HTTP/2, a stream reset with
     * H3_INTERNAL_ERROR on HTTP/3, a closed connection on HTTP/1.1.
     */
    void reset();

    /** What the request's handler is told about its downstream after it took the request. */
    interface Events {
        /** {@link Downstream#isWritable()} may have changed. */
        void writabilityChanged();

        /** The client went away (connection closed, stream reset) or the stream ended. */
        void closed();
    }
}
