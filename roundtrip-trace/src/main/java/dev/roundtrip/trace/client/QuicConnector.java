package dev.roundtrip.trace.client;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.core.timeline.RequestListener;
import dev.roundtrip.core.timeline.TlsInfo;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.h3.HandshakeProgress;
import dev.roundtrip.trace.TrustPolicy;
import dev.roundtrip.trace.tls.VerifyingTrustManager;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.quic.QLogConfiguration;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.SslEarlyDataReadyEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLEngine;

/**
 * Opens HTTP/3 connections for the tracing client: a UDP socket, then the QUIC handshake, which
 * carries transport and TLS 1.3 together and is timed as one phase (quicStart when the first
 * Initial is about to leave, quicEnd from {@code SslHandshakeCompletionEvent}). Certificates are
 * judged by the same {@link VerifyingTrustManager} as over TCP; the host name reaches it through
 * the engine made per connection for the URL's host and port ({@code sslEngineProvider}), which
 * also keys the session cache, so a later connection to the same origin resumes and may send its
 * request as 0-RTT early data: then the connection is handed over at {@code SslEarlyDataReadyEvent},
 * before the handshake completes, and the QUIC phase ends after the request has left.
 * {@link HandshakeProgress} watches each connection so that a completed handshake is noticed when
 * the client sends its Finished, not a round trip later.
 *
 * <p>Only the first resolved address is tried (no fallback over UDP: a browser falls back to TCP).
 */
public final class QuicConnector {
    private final EventLoopGroup group;
    private final Transport transport;
    private final Network network;
    private final QuicSslContext ssl;
    private final Duration handshakeTimeout;
    private final IntSupplier ids;
    private final Path qlogDir;
    private final List<Path> qlogFiles = new CopyOnWriteArrayList<>();
    /** The URL host each live engine was made for (the trust manager checks the certificate names it). */
    private final java.util.Map<SSLEngine, String> hosts = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** @param qlogDir where each connection writes its qlog ({@code ID-HOST.qlog}), or null for none */
    public QuicConnector(EventLoopGroup group, Transport transport, Network network, TrustPolicy trust, Clock wallClock,
                         Duration handshakeTimeout, IntSupplier ids, Path qlogDir) {
        this.group = group;
        this.transport = transport;
        this.network = network;
        this.ssl = QuicSslContextBuilder.forClient()
                .trustManager(new Tls13TrustManager(VerifyingTrustManager.of(trust, wallClock), hosts))
                .applicationProtocols("h3")
                .earlyData(true)
                .build();
        this.handshakeTimeout = handshakeTimeout;
        this.ids = ids;
        this.qlogDir = qlogDir;
    }

    /** The qlog files this connector has had quiche write so far, one per QUIC connection, in the order they were opened. */
    public List<Path> qlogFiles() {
        return List.copyOf(qlogFiles);
    }

    /** Connects to {@code port} (the URL's, or the one Alt-Svc named) of the first of {@code addresses}. */
    public CompletableFuture<TraceConnection> connect(Route route, List<InetAddress> addresses, int port, RequestListener listener) {
        CompletableFuture<TraceConnection> result = new CompletableFuture<>();
        InetSocketAddress remote = new InetSocketAddress(addresses.getFirst(), port);
        String target = route.urlHost() + " (" + HostPort.format(remote) + "/udp)";
        InetSocketAddress real;
        try {
            real = network.connectAddress(remote);
        } catch (IllegalArgumentException unreachable) {
            listener.quicStart(remote);
            listener.quicFailed(remote, unreachable);
            result.completeExceptionally(FailureClassifier.classify(unreachable, PhaseKind.QUIC, target));
            return result;
        }
        int id = ids.getAsInt();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> {
                    var engine = ssl.newEngine(q.alloc(), route.urlHost(), route.urlPort());
                    hosts.put(engine, route.urlHost());
                    return engine;
                })
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(10L << 20)
                .initialMaxStreamDataBidirectionalLocal(1L << 20)
                .build();
        InetSocketAddress local = new InetSocketAddress(real.getAddress().isLoopbackAddress() ? real.getAddress() : null, 0);
        new Bootstrap().group(group).channel(transport.datagramChannel()).handler(HandshakeProgress.around(codec)).bind(local).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                listener.quicStart(remote);
                fail(listener, remote, target, bound.cause(), result);
                return;
            }
            Channel udp = bound.channel();
            result.whenComplete((c, e) -> { if (result.isCancelled()) udp.close(); }); // abandoned: TCP won the race
            Handshake handshake = new Handshake(id, udp, remote, target, listener, result);
            listener.quicStart(remote);
            var quicBootstrap = QuicChannel.newBootstrap(udp);
            if (qlogDir != null) {
                Path file = qlogDir.resolve(id + "-" + route.urlHost().replaceAll("[^A-Za-z0-9.-]", "_") + ".qlog");
                qlogFiles.add(file);
                quicBootstrap.option(QuicChannelOption.QLOG, new QLogConfiguration(file.toString(), "roundtrip trace", "client side of "
                        + target));
            }
            quicBootstrap
                    .handler(new ChannelInitializer<QuicChannel>() {
                        @Override
                        protected void initChannel(QuicChannel ch) {
                            ch.pipeline().addLast(handshake, new Http3ClientConnectionHandler());
                            HandshakeProgress.watch(ch);
                        }
                    })
                    .remoteAddress(real)
                    .connect()
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            handshake.failed(f.cause());
                            udp.close();
                        }
                    });
            udp.eventLoop().schedule(() -> handshake.failed(new TimeoutException(
                    "no QUIC handshake within " + handshakeTimeout.toMillis() + " ms")), handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        });
        return result;
    }

    private static void fail(RequestListener listener, InetSocketAddress remote, String target, Throwable cause,
                             CompletableFuture<TraceConnection> result) {
        listener.quicFailed(remote, cause);
        result.completeExceptionally(FailureClassifier.classify(cause, PhaseKind.QUIC, target));
    }

    /**
     * Watches one QUIC connection's handshake on its pipeline: hands the connection over at
     * early-data-ready (0-RTT) or at handshake completion, and reports the QUIC phase's end.
     */
    private static final class Handshake extends ChannelInboundHandlerAdapter {
        private final int id;
        private final Channel udp;
        private final InetSocketAddress remote;
        private final String target;
        private final RequestListener listener;
        private final CompletableFuture<TraceConnection> result;
        private Http3Connection connection;
        private boolean ended;

        Handshake(int id, Channel udp, InetSocketAddress remote, String target, RequestListener listener,
                  CompletableFuture<TraceConnection> result) {
            this.id = id;
            this.udp = udp;
            this.remote = remote;
            this.target = target;
            this.listener = listener;
            this.result = result;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            QuicChannel quic = (QuicChannel) ctx.channel();
            if (evt instanceof SslEarlyDataReadyEvent && connection == null && !result.isDone()) {
                connection = new Http3Connection(id, quic, udp, remote, null, false);
                // The request goes out now, as 0-RTT early data, but from the next turn of the loop: Netty fires this
                // event inside its own send step, where a stream write is only queued, and would leave it for the first
                // packet after the server's answer, one round trip later.
                Http3Connection early = connection;
                ctx.executor().execute(() -> result.complete(early));
            } else if (evt instanceof SslHandshakeCompletionEvent done && !ended) {
                if (done.isSuccess()) {
                    ended = true;
                    TlsInfo info = tlsInfo(quic.sslEngine());
                    listener.quicEnd(remote, info);
                    if (connection != null) {
                        connection.handshakeCompleted(info.resumed());
                    } else if (!result.isDone()) {
                        connection = new Http3Connection(id, quic, udp, remote, info, true);
                        connection.handshakeCompleted(info.resumed());
                        result.complete(connection);
                    }
                } else {
                    failed(done.cause());
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            udp.close();
            if (!ended) {
                failed(new java.nio.channels.ClosedChannelException());
            }
            super.channelInactive(ctx);
        }

        void failed(Throwable cause) {
            if (ended) {
                return;
            }
            ended = true;
            listener.quicFailed(remote, cause);
            result.completeExceptionally(FailureClassifier.classify(cause, PhaseKind.QUIC, target));
            if (connection != null) {
                connection.handshakeFailed(cause);
                connection.close();
            } else {
                udp.close();
            }
        }
    }

    /**
     * Judges server certificates with {@code delegate} for the host each engine was made for, as
     * TLS 1.3 does. The QUIC engine reports no peer host to a trust manager, so the connector
     * remembers which host it made each engine for. BoringSSL's QUIC callback names the key type
     * ("EC", "RSA") as the auth type, which the JDK's validator reads as a TLS 1.2 key exchange;
     * in TLS 1.3 (always, in QUIC) the key exchange is not tied to the certificate, and the JDK
     * itself passes "UNKNOWN".
     */
    private static final class Tls13TrustManager extends javax.net.ssl.X509ExtendedTrustManager {
        private final VerifyingTrustManager delegate;
        private final java.util.Map<SSLEngine, String> hosts;

        Tls13TrustManager(VerifyingTrustManager delegate, java.util.Map<SSLEngine, String> hosts) {
            this.delegate = delegate;
            this.hosts = hosts;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
            String host = engine == null ? null : hosts.get(engine);
            dev.roundtrip.trace.tls.CertificateVerdict verdict = delegate.verdict(chain, "UNKNOWN", host);
            if (!(verdict instanceof dev.roundtrip.trace.tls.CertificateVerdict.Trusted)) {
                throw new dev.roundtrip.trace.tls.CertificateRejectedException(verdict, null);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws java.security.cert.CertificateException {
            checkServerTrusted(chain, authType, (SSLEngine) null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            checkServerTrusted(chain, authType, (SSLEngine) null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** The TLS facts of a finished QUIC handshake. */
    static TlsInfo tlsInfo(SSLEngine engine) {
        return dev.roundtrip.trace.tls.TlsInfoReader.read(engine, engine.getApplicationProtocol(), resumed(engine));
    }

    /**
     * Whether BoringSSL resumed the session. Netty's QUIC engine knows ({@code isSessionReused})
     * but does not make it public; it is read reflectively and reads as false where that fails.
     */
    private static boolean resumed(SSLEngine engine) {
        try {
            Method m = engine.getClass().getDeclaredMethod("isSessionReused");
            m.setAccessible(true);
            return (Boolean) m.invoke(engine);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
