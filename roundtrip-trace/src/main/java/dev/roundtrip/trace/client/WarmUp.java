package dev.roundtrip.trace.client;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.dns.authoritative.AuthoritativeConfig;
import dev.roundtrip.dns.authoritative.AuthoritativeServer;
import dev.roundtrip.dns.stub.StubResolver;
import dev.roundtrip.dns.zone.Zone;
import dev.roundtrip.http.Transport;
import dev.roundtrip.tls.LocalCa;
import dev.roundtrip.tls.TlsContexts;
import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TrustPolicy;
import dev.roundtrip.trace.TraceRequest;
import dev.roundtrip.trace.Tracer;
import dev.roundtrip.trace.TracerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Runs the tracing client's code once over loopback before the first real request, so that request
 * measures the network and not the JVM loading Netty's transport and codecs (tens of milliseconds
 * on a cold start, which curl does not pay and would otherwise land in the TCP and request phases).
 * Throw-away responders on {@code 127.0.0.1:0} answer HTTP/1.1, h2c, HTTPS and, for {@code --http 3}
 * or {@code auto}, HTTP/3 over QUIC (a certificate from
 * a throw-away local CA: the first handshake of a cold JVM, with its certificate checks, otherwise
 * takes hundreds of milliseconds against curl's ten); with roundtrip's stub resolver, a throw-away
 * authoritative server answers a few lookups. The tracers that ask are separate from the caller's,
 * so no connection, TLS session or DNS answer carries over.
 */
public final class WarmUp {
    private static final int ROUNDS = 3;

    private WarmUp() {}

    /** Warms every client path; failures are ignored (warming is an optimisation). */
    public static void run(TracerConfig config) {
        run(config, true);
    }

    /**
     * Warms the client paths {@code config} will use, TLS only when {@code tls} (a throw-away CA
     * and the first handshakes cost about a second on a cold JVM); failures are ignored.
     */
    public static void run(TracerConfig config, boolean tls) {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "roundtrip-trace-warmup");
        Path caDir = null;
        List<Channel> servers = new java.util.ArrayList<>();
        try {
            TracerConfig local = config.withConnectTo(List.of()).withReuseConnections(false).withQlogDir(null);
            Channel https = null;
            Channel h3 = null;
            if (tls) {
                caDir = Files.createTempDirectory("roundtrip-trace-warmup");
                LocalCa ca = LocalCa.loadOrCreate(caDir);
                https = bind(group, transport, TlsContexts.nettyServer(ca.issue(List.of("127.0.0.1"))), false);
                servers.add(https);
                local = local.withTrust(TrustPolicy.roots(List.of(ca.certificate())));
                if (config.http() == HttpVersion.HTTP_3 || config.http() == HttpVersion.ALT_SVC) { // QUIC only for those who use it
                    h3 = bindHttp3(group, transport, ca.issue(List.of("127.0.0.1")));
                    servers.add(h3);
                }
            }
            Channel h1 = bind(group, transport, null, false);
            Channel h2 = bind(group, transport, null, true);
            servers.addAll(List.of(h1, h2));
            try (Tracer h1Tracer = new Tracer(local.withHttp(HttpVersion.HTTP_1_1));
                 Tracer h2Tracer = new Tracer(local.withHttp(HttpVersion.HTTP_2));
                 Tracer tlsTracer = new Tracer(local.withHttp(HttpVersion.HTTP_1_1));
                 Tracer h3Tracer = new Tracer(local.withHttp(HttpVersion.HTTP_3))) {
                for (int i = 0; i < ROUNDS; i++) {
                    h1Tracer.run(TraceRequest.get("http://127.0.0.1:" + port(h1) + "/warm-up"));
                    h2Tracer.run(TraceRequest.get("http://127.0.0.1:" + port(h2) + "/warm-up"));
                    if (https != null) {
                        tlsTracer.run(TraceRequest.get("https://127.0.0.1:" + port(https) + "/warm-up"));
                    }
                    if (h3 != null) { // a full handshake, then a resumed one with 0-RTT
                        h3Tracer.run(TraceRequest.get("https://127.0.0.1:" + port(h3) + "/warm-up"));
                        h3Tracer.closeConnections();
                    }
                }
            } finally {
                servers.forEach(Channel::close);
            }
            if (config.resolver() instanceof StubResolver) {
                warmStub(config);
            }
        } catch (IOException | RuntimeException | InterruptedException | ExecutionException ignored) {
            // a machine without loopback sockets or a temp directory still traces; only the first request is slower
            if (ignored instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            delete(caDir);
        }
    }

    /** roundtrip's stub resolver, once against a throw-away authoritative server on loopback (dnsjava's tables, the DNS client). */
    private static void warmStub(TracerConfig config) throws InterruptedException, ExecutionException {
        Name origin = Name.fromConstantString("warm-up.invalid.");
        List<Record> records = List.of(
                new SOARecord(origin, DClass.IN, 60, Name.fromConstantString("ns.warm-up.invalid."),
                        Name.fromConstantString("hostmaster.warm-up.invalid."), 1, 60, 60, 60, 60),
                new NSRecord(origin, DClass.IN, 60, Name.fromConstantString("ns.warm-up.invalid.")),
                new ARecord(Name.fromConstantString("a.warm-up.invalid."), DClass.IN, 60, InetAddress.getLoopbackAddress()));
        Network network = Network.embedded();
        AuthoritativeServer server = new AuthoritativeServer(new AuthoritativeConfig(network,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(Zone.of(origin, records))));
        server.start().get();
        try (StubResolver stub = new StubResolver(network, server.boundAddress(), config.clock())) {
            for (int i = 0; i < ROUNDS; i++) {
                stub.resolve("a.warm-up.invalid").get();
                stub.clearCache();
            }
        } finally {
            server.stop(Duration.ZERO).get();
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static int port(Channel c) {
        return ((InetSocketAddress) c.localAddress()).getPort();
    }

    /** A throw-away HTTP/3 responder on UDP {@code 127.0.0.1:0}: the QUIC server and HTTP/3 codecs, answering "ok". */
    private static Channel bindHttp3(EventLoopGroup group, Transport transport, dev.roundtrip.tls.IssuedCertificate cert) {
        io.netty.handler.codec.quic.QuicSslContext ssl = io.netty.handler.codec.quic.QuicSslContextBuilder
                .forServer(cert.key(), null, cert.chain().toArray(java.security.cert.X509Certificate[]::new))
                .applicationProtocols(dev.roundtrip.http.h3.Http3ServerInitializer.applicationProtocols())
                .earlyData(true)
                .build();
        var init = new dev.roundtrip.http.h3.Http3ServerInitializer(dev.roundtrip.http.HttpLimits.DEFAULTS,
                dev.roundtrip.http.h3.QuicLimits.DEFAULTS, () -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        var res = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[] {'o', 'k'}));
                        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                        ctx.writeAndFlush(res);
                    }
                });
        return new io.netty.bootstrap.Bootstrap().group(group).channel(transport.datagramChannel())
                .handler(init.quicCodec(ssl, System::currentTimeMillis))
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    private static Channel bind(EventLoopGroup group, Transport transport, SslContext tls, boolean h2) {
        return new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        if (h2) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            boolean end = msg instanceof Http2HeadersFrame h && h.isEndStream()
                                                    || msg instanceof Http2DataFrame d && d.isEndStream();
                                            ReferenceCountUtil.release(msg);
                                            if (end) {
                                                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                                                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {'o', 'k'}), true));
                                            }
                                        }

                                        @Override
                                        public boolean isSharable() {
                                            return true;
                                        }
                                    }));
                        } else {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                    var res = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                            HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[] {'o', 'k'}));
                                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                                    ctx.writeAndFlush(res);
                                }
                            });
                        }
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }
}
