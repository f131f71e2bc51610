package dev.roundtrip.edge.h3;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.http.Downstream;
import dev.roundtrip.http.HttpLimits;
import dev.roundtrip.http.Transport;
import dev.roundtrip.http.h3.Http3ServerInitializer;
import dev.roundtrip.http.h3.QuicLimits;
import dev.roundtrip.tls.IssuedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/3 side of one balancer listener: QUIC on the same port number as the listener's TCP
 * socket, over UDP, with the same certificates (SNI picks one), the same limits and the same
 * request handler ({@code ProxyHandler}), so routes, clusters, retries, headers, Server-Timing,
 * metrics and the access log are shared with HTTP/1.1 and HTTP/2. It also wraps the TCP side's
 * handlers so their responses advertise it ({@code Alt-Svc: h3=":PORT"}, RFC 7838).
 *
 * <p>Sockets: with the epoll or io_uring transport, one UDP socket per worker event loop, all bound to the
 * port with {@code SO_REUSEPORT}, so the kernel spreads clients over the workers by their address
 * and port (a client keeps its 4-tuple, so its datagrams keep reaching the socket, and the QUIC
 * codec, that holds its connection; a client whose address changes mid-connection, which QUIC
 * would otherwise survive, starts over). Elsewhere one socket on one loop. Requests and their
 * upstream connections stay on their socket's loop.
 */
public final class Http3Listener {
    private static final Logger log = LoggerFactory.getLogger(Http3Listener.class);
    /** How long a client may remember the Alt-Svc advertisement (seconds). */
    static final long ALT_SVC_MAX_AGE = 86_400;

    private final ListenerConfig listener;
    private final QuicLimits quic;
    private final QuicSslContext ssl;
    private final Http3ServerInitializer initializer;
    private volatile String altSvc;
    private final List<Channel> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param listener a listener with {@link ListenerConfig#http3()} present
     * @param certificates the listener's certificates, loaded once for TCP and QUIC alike
     * @param handlers makes the request handler of each request stream
     */
    public Http3Listener(ListenerConfig listener, List<IssuedCertificate> certificates, HttpLimits limits,
                         Supplier<? extends ChannelHandler> handlers) {
        this.listener = listener;
        this.quic = listener.http3().orElseThrow(() -> new IllegalArgumentException("listener " + listener.name() + " has no http3"));
        if (quic.earlyData() && !Http3ServerInitializer.earlyDataSupported()) {
            log.warn("listener {}: 0-RTT off: this Netty does not tell whether a request arrived in early data", listener.name());
        }
        this.ssl = sslContext(listener, certificates, quic.earlyData() && Http3ServerInitializer.earlyDataSupported());
        this.initializer = new Http3ServerInitializer(limits, quic, handlers);
    }

    /** Certificates by SNI name over QUIC; the first is the default, as on TCP. ALPN h3 only. */
    private static QuicSslContext sslContext(ListenerConfig listener, List<IssuedCertificate> certificates, boolean earlyData) {
        DomainWildcardMappingBuilder<QuicSslContext> sni = null;
        QuicSslContext first = null;
        for (int i = 0; i < certificates.size(); i++) {
            IssuedCertificate c = certificates.get(i);
            QuicSslContext context = QuicSslContextBuilder.forServer(c.key(), null, c.chain().toArray(X509Certificate[]::new))
                    .applicationProtocols(Http3ServerInitializer.applicationProtocols())
                    .earlyData(earlyData)
                    .build();
            if (first == null) {
                first = context;
                sni = new DomainWildcardMappingBuilder<>(context);
            }
            for (String n : listener.tls().orElseThrow().certificates().get(i).names()) {
                if (n.indexOf(':') < 0 && !n.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
                    sni.add(n, context);
                }
            }
        }
        return certificates.size() == 1 ? first : QuicSslContextBuilder.buildForServerWithSni(sni.build());
    }

    /**
     * Binds UDP on the port the TCP side got ({@code tcp}): one socket per loop of {@code workers}
     * with epoll or io_uring, else one (NIO). Completes with the h3 address, or fails naming it
     * (e.g. the UDP port is taken), leaving no socket open.
     */
    public CompletableFuture<BoundAddress> start(EventLoopGroup workers, Transport transport, Network network, BoundAddress tcp) {
        InetSocketAddress real = tcp.real();
        InetSocketAddress shown = tcp.labAddress();
        int count = 1;
        if (transport.reusePort()) {
            count = 0;
            for (var ignored : workers) {
                count++;
            }
        }
        CompletableFuture<BoundAddress> result = new CompletableFuture<>();
        bindSockets(workers, transport, real, count, 0, result, shown);
        return result;
    }

    private void bindSockets(EventLoopGroup workers, Transport transport, InetSocketAddress real, int count, int done,
                             CompletableFuture<BoundAddress> result, InetSocketAddress shown) {
        if (done == count) {
            altSvc = "h3=\":" + shown.getPort() + "\"; ma=" + ALT_SVC_MAX_AGE;
            log.debug("{} listening on {} (h3, udp, {} socket{})", listener.name(), HostPort.format(shown), count, count == 1 ? "" : "s");
            result.complete(new BoundAddress("h3", shown, real));
            return;
        }
        Bootstrap b = new Bootstrap().group(workers).channel(transport.datagramChannel())
                .handler(initializer.quicCodec(ssl, System::currentTimeMillis));
        if (count > 1) {
            b.option(io.netty.channel.unix.UnixChannelOption.SO_REUSEPORT, true);
        }
        b.bind(real).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                sockets.add(f.channel());
                bindSockets(workers, transport, real, count, done + 1, result, shown);
            } else {
                close();
                java.net.BindException e = new java.net.BindException(HostPort.format(shown) + "/udp (h3): " + f.cause().getMessage());
                e.initCause(f.cause());
                result.completeExceptionally(e);
            }
        });
    }

    /** {@code handler}, with {@code Alt-Svc} added to its responses once this listener is up (for the TCP side). */
    public ChannelHandler advertised(ChannelHandler handler) {
        return new AltSvcHandler(() -> altSvc, handler);
    }

    /** {@code downstream} with this listener's Alt-Svc header on every response head. */
    public Downstream advertised(Downstream downstream) {
        return new AltSvcHandler.OnDownstream(() -> altSvc, downstream);
    }

    /** The Alt-Svc value the TCP side sends, null until bound. */
    public String altSvc() {
        return altSvc;
    }

    public ListenerConfig listener() {
        return listener;
    }

    /** The UDP sockets bound now. */
    public int sockets() {
        return sockets.size();
    }

    /** Closes the UDP sockets (every QUIC connection on them ends). */
    public void close() {
        altSvc = null;
        for (Channel s : sockets) {
            s.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        sockets.clear();
    }

    /** Appends the QUIC connection gauges of {@code listeners} in the Prometheus text format. */
    public static void renderMetrics(StringBuilder out, List<Http3Listener> listeners) {
        if (listeners.isEmpty()) {
            return;
        }
        out.append("# HELP roundtrip_lb_downstream_quic_connections Open HTTP/3 (QUIC) client connections.\n");
        out.append("# TYPE roundtrip_lb_downstream_quic_connections gauge\n");
        for (Http3Listener h : listeners) {
            out.append("roundtrip_lb_downstream_quic_connections{listener=\"").append(h.listener.name()).append("\"} ")
                    .append(h.initializer.openConnections()).append('\n');
        }
        out.append("# HELP roundtrip_lb_quic_sockets UDP sockets serving a listener's HTTP/3 (one per worker with SO_REUSEPORT).\n");
        out.append("# TYPE roundtrip_lb_quic_sockets gauge\n");
        for (Http3Listener h : listeners) {
            out.append("roundtrip_lb_quic_sockets{listener=\"").append(h.listener.name()).append("\"} ").append(h.sockets()).append('\n');
        }
        out.append("# HELP roundtrip_lb_quic_retry_tokens_total Address validation: Retry tokens issued, and client tokens accepted or refused.\n");
        out.append("# TYPE roundtrip_lb_quic_retry_tokens_total counter\n");
        for (Http3Listener h : listeners) {
            h.initializer.retryTokens().ifPresent(t -> {
                String l = "roundtrip_lb_quic_retry_tokens_total{listener=\"" + h.listener.name() + "\",result=\"";
                out.append(l).append("issued\"} ").append(t.issued()).append('\n');
                out.append(l).append("accepted\"} ").append(t.accepted()).append('\n');
                out.append(l).append("refused\"} ").append(t.refused()).append('\n');
            });
        }
        out.append("# HELP roundtrip_lb_downstream_quic_connections_rejected_total QUIC connections closed at once: max_connections reached.\n");
        out.append("# TYPE roundtrip_lb_downstream_quic_connections_rejected_total counter\n");
        for (Http3Listener h : listeners) {
            out.append("roundtrip_lb_downstream_quic_connections_rejected_total{listener=\"").append(h.listener.name()).append("\"} ")
                    .append(h.initializer.rejectedConnections()).append('\n');
        }
    }
}
