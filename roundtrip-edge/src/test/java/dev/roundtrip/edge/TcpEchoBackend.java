package dev.roundtrip.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP echo server for L4 tests: writes back every byte it reads, answers a FIN with a FIN after
 * the echo (half-close), and with {@code proxyProtocol} first decodes a PROXY protocol header and
 * records what it said (the message's fields; the message itself is released).
 */
final class TcpEchoBackend implements AutoCloseable {
    private static final EventLoopGroup GROUP = dev.roundtrip.http.Transport.NIO.newGroup(1, "test-echo");

    /** What a PROXY header said: command, protocol, source and destination. */
    record ProxySeen(String command, String protocol, String source, int sourcePort, String destination, int destinationPort) {}

    final List<ProxySeen> proxyHeaders = new CopyOnWriteArrayList<>();
    private final Channel server;

    TcpEchoBackend(boolean proxyProtocol) {
        server = new ServerBootstrap().group(GROUP).channel(dev.roundtrip.http.Transport.NIO.serverChannel())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (proxyProtocol) {
                            ch.pipeline().addLast(new HAProxyMessageDecoder());
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HAProxyMessage m) {
                                    proxyHeaders.add(new ProxySeen(m.command().name(), m.proxiedProtocol().name(), m.sourceAddress(),
                                            m.sourcePort(), m.destinationAddress(), m.destinationPort()));
                                    m.release();
                                    return;
                                }
                                ctx.write(msg);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof ChannelInputShutdownEvent) {
                                    // The FIN goes after the last echoed byte is written (shutdownOutput
                                    // would drop what is still queued), then both directions are done.
                                    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(w ->
                                            ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(f -> ctx.close()));
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    String hostPort() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
