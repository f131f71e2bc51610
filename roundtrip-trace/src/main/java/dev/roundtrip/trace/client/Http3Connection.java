package dev.roundtrip.trace.client;

import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.trace.EarlyData;
import dev.roundtrip.trace.Header;
import dev.roundtrip.trace.TraceRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection speaking HTTP/3 over QUIC: each exchange is a new bidirectional QUIC stream, so a
 * reused connection needs no handshake. When the connection was handed over before its handshake
 * completed (a resumed session: 0-RTT), a safe request (GET, HEAD, OPTIONS) travels as early data
 * and what became of it is recorded ({@link #earlyData()}); any other request waits for the
 * handshake, as browsers do.
 *
 * <p>Request bytes are counted as HTTP/3 would carry them without QPACK compression (header names
 * and values plus the body): QUIC encrypts below the codec, where no tap can sit.
 */
public final class Http3Connection extends TraceConnection {
    /** Methods sent as early data when the connection allows it (RFC 9110 section 9.2.1 safe methods). */
    static final java.util.Set<String> SAFE_IN_EARLY_DATA = java.util.Set.of("GET", "HEAD", "OPTIONS");

    private final QuicChannel quic;
    private final Channel udp;
    private volatile boolean handshakeDone;
    private volatile boolean resumed;
    private boolean earlySent;
    private volatile EarlyData earlyData = EarlyData.NOT_SENT;
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();

    Http3Connection(int id, QuicChannel quic, Channel udp, InetSocketAddress remote, TlsInfo tls, boolean handshakeDone) {
        super(id, quic, remote, tls);
        this.quic = quic;
        this.udp = udp;
        this.handshakeDone = handshakeDone;
        if (handshakeDone) {
            handshake.complete(null);
        }
    }

    /** The QUIC handshake completed (after this connection carried early data, or before it was handed over). */
    void handshakeCompleted(boolean sessionResumed) {
        this.handshakeDone = true;
        this.resumed = sessionResumed;
        handshake.complete(null);
    }

    /** The handshake failed after the connection was handed over for early data. */
    void handshakeFailed(Throwable cause) {
        handshake.completeExceptionally(cause);
    }

    /** What became of the early data of the exchange that just ended (NOT_SENT when it did not travel as early data). */
    public EarlyData earlyData() {
        return earlyData;
    }

    @Override
    public CompletableFuture<Response> exchange(TraceRequest request, RequestListener listener, Duration timeout) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        List<Header> headers = RequestHeads.http2(request);
        ExchangeState state = new ExchangeState(listener, result, headers, target());
        state.protocol = "h3";
        earlyData = EarlyData.NOT_SENT;
        onEventLoop(() -> {
            if (!reusable()) {
                state.protocolError("the QUIC connection is closed", null);
                return;
            }
            Http3ExchangeHandler handler = new Http3ExchangeHandler(state, () -> settleEarlyData(state.status));
            state.timeout = quic.eventLoop().schedule(
                    () -> handler.abort(new TimeoutException("no complete response within " + timeout.toMillis() + " ms")),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (handshakeDone || SAFE_IN_EARLY_DATA.contains(request.method())) {
                // Only what quiche can send with 0-RTT keys is early data; otherwise the request
                // waits in the stream for the handshake, whatever this connection was handed over for.
                earlySent = !handshakeDone && dev.roundtrip.http.h3.QuicheEarlyData.inEarlyData(quic).orElse(false);
                open(request, headers, state, handler);
            } else {
                // Like a browser: only safe requests ride in 0-RTT (a replay must not change
                // anything); this one leaves once the handshake is complete.
                earlySent = false;
                handshake.whenComplete((v, error) -> onEventLoop(() -> {
                    if (error != null) {
                        state.fail(error);
                    } else if (!state.done()) {
                        open(request, headers, state, handler);
                    }
                }));
            }
        });
        return result;
    }

    private void open(TraceRequest request, List<Header> headers, ExchangeState state, Http3ExchangeHandler handler) {
        Http3.newRequestStream(quic, handler).addListener(f -> {
            if (f.isSuccess()) {
                send((QuicStreamChannel) f.getNow(), request, headers, state);
            } else {
                state.protocolError("cannot open an HTTP/3 request stream (" + f.cause().getMessage() + ")", f.cause());
            }
        });
    }

    /** Early data sent: accepted unless the handshake did not resume (TLS discarded it) or the server said 425. */
    private void settleEarlyData(int status) {
        if (!earlySent) {
            return;
        }
        earlyData = status == 425 ? EarlyData.TOO_EARLY : handshakeDone && !resumed ? EarlyData.REJECTED : EarlyData.ACCEPTED;
    }

    private void send(QuicStreamChannel stream, TraceRequest request, List<Header> headers, ExchangeState state) {
        Http3Headers h3 = new DefaultHttp3Headers();
        long bytes = 0;
        for (Header h : headers) {
            h3.add(h.name(), h.value());
            bytes += h.name().getBytes(StandardCharsets.US_ASCII).length + h.value().getBytes(StandardCharsets.UTF_8).length;
        }
        byte[] body = request.body();
        bytes += body.length;
        long sentBytes = bytes;
        state.listener.requestStart();
        ChannelFuture last = stream.write(new DefaultHttp3HeadersFrame(h3));
        if (body.length > 0) {
            last = stream.write(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)));
        }
        stream.flush();
        last.addListener(f -> {
            if (f.isSuccess()) {
                stream.shutdownOutput(); // FIN: the request is complete
                if (!state.done()) {
                    state.sent(sentBytes);
                }
            } else {
                state.fail(f.cause());
                stream.close();
            }
        });
    }

    @Override
    public boolean reusable() {
        return quic.isActive() || (!handshakeDone && quic.isOpen());
    }

    @Override
    public String protocol() {
        return "h3";
    }

    @Override
    public void close() {
        quic.close();
        udp.close();
    }
}
