package dev.roundtrip.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes on loopback between roundtrip's contexts, the JDK and curl. */
class TlsHandshakeTest {
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";

    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A TLS server that answers any bytes with a fixed HTTP response, then closes. */
    private InetSocketAddress serve(SslContext context) throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                ctx.writeAndFlush(Unpooled.copiedBuffer(RESPONSE, StandardCharsets.US_ASCII))
                                        .addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private static HttpResponse<String> jdkGet(LocalCa ca, InetSocketAddress at) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(List.of(ca.certificate())))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + at.getPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jdkClientAcceptsCertificateForTheNameItCovers() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress at = serve(TlsContexts.nettyServer(ca.issue(List.of("localhost", "127.0.0.1")), List.of()));

        HttpResponse<String> response = jdkGet(ca, at);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void jdkClientRejectsCertificateForAnotherName() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress at = serve(TlsContexts.nettyServer(ca.issue(List.of("other.example.com")), List.of()));

        assertThatThrownBy(() -> jdkGet(ca, at)).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void jdkClientRejectsCertificateFromAnotherCa() throws Exception {
        LocalCa ours = LocalCa.loadOrCreate(dir.resolve("ours"));
        LocalCa theirs = LocalCa.loadOrCreate(dir.resolve("theirs"));
        InetSocketAddress at = serve(TlsContexts.nettyServer(theirs.issue(List.of("127.0.0.1")), List.of()));

        assertThatThrownBy(() -> jdkGet(ours, at)).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void alpnPrefersH2AndTls13() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress at = serve(TlsContexts.nettyServer(ca.issue(List.of("127.0.0.1"))));

        try (SSLSocket socket = (SSLSocket) TlsContexts.jdkClient(List.of(ca.certificate())).getSocketFactory()
                .createSocket("127.0.0.1", at.getPort())) {
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();

            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    /** Connects with a Netty client context to {@code host} and returns the handshake outcome. */
    private SslHandshakeCompletionEvent nettyHandshake(SslContext client, String host, InetSocketAddress at) throws Exception {
        CompletableFuture<SslHandshakeCompletionEvent> done = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(client.newHandler(ch.alloc(), host, at.getPort()), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof SslHandshakeCompletionEvent e) {
                            done.complete(e);
                            ctx.close();
                        }
                    }
                });
            }
        }).connect(at).sync();
        return done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void nettyClientVerifiesTheHostName() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress at = serve(TlsContexts.nettyServer(ca.issue(List.of("api.example.com"))));
        SslContext client = TlsContexts.nettyClient(List.of(ca.certificate()), List.of("h2"));

        assertThat(nettyHandshake(client, "api.example.com", at).isSuccess()).isTrue();
        SslHandshakeCompletionEvent wrongName = nettyHandshake(client, "www.example.org", at);
        assertThat(wrongName.isSuccess()).isFalse();
    }

    @Test
    void mutualTlsRequiresAClientCertificateFromTheCa() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress at = serve(TlsContexts.nettyServerMutual(ca.issue(List.of("127.0.0.1")), List.of(ca.certificate()), List.of()));

        SslContext withCert = TlsContexts.nettyClientMutual(List.of(ca.certificate()), ca.issue(List.of("client.example.com")), List.of());
        assertThat(nettyHandshake(withCert, "127.0.0.1", at).isSuccess()).isTrue();

        // TLS 1.3: the client learns of the rejection only when it reads, so ask over the JDK.
        assertThatThrownBy(() -> jdkGet(ca, at)).isInstanceOf(IOException.class);
    }

    @Test
    void curlAcceptsTheCaAndRejectsAnUncoveredName() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl not installed: skipping the curl --cacert interop check");
        LocalCa ca = LocalCa.loadOrCreate(dir);
        InetSocketAddress good = serve(TlsContexts.nettyServer(ca.issue(List.of("127.0.0.1")), List.of("http/1.1")));
        InetSocketAddress bad = serve(TlsContexts.nettyServer(ca.issue(List.of("nothere.example.com")), List.of("http/1.1")));

        Process ok = curl(ca, good);
        assertThat(ok.exitValue()).as(new String(ok.getErrorStream().readAllBytes())).isZero();
        assertThat(new String(ok.getInputStream().readAllBytes())).isEqualTo("ok");

        Process rejected = curl(ca, bad);
        assertThat(rejected.exitValue()).isEqualTo(60); // CURLE_PEER_FAILED_VERIFICATION
        assertThat(new String(rejected.getErrorStream().readAllBytes())).contains("127.0.0.1");
    }

    private static Process curl(LocalCa ca, InetSocketAddress at) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "--cacert", ca.certificatePem().toString(),
                "https://127.0.0.1:" + at.getPort() + "/").start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p;
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

}
