package dev.roundtrip.dns.transport;

import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Message;

/**
 * Sends one DNS query and waits for its answer, over UDP or TCP: the client side shared by the
 * recursive resolver (upstream queries), the stub resolver and {@code roundtrip dig}.
 *
 * <p>Anti-spoofing (RFC 5452): every query gets a fresh random ID ({@link #newId()}) and its own UDP
 * socket bound to port 0, which Linux assigns at random from the ephemeral range, so an attacker
 * must guess both; replies that fail {@link ResponseCheck} are counted and ignored while the real
 * answer is awaited. Thread-safe; callers may block on the futures from virtual threads.
 */
public final class DnsClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Transport transport;
    private final MonotonicClock clock;
    private final AtomicLong rejected = new AtomicLong();

    /** A client with its own single event loop thread. */
    public DnsClient(MonotonicClock clock) {
        this(Transport.best(), Transport.best().newGroup(1, "dns-client"), true, clock);
    }

    /** A client on a shared event loop group (not closed by {@link #close()}). */
    public DnsClient(Transport transport, EventLoopGroup group, MonotonicClock clock) {
        this(transport, group, false, clock);
    }

    private DnsClient(Transport transport, EventLoopGroup group, boolean ownsGroup, MonotonicClock clock) {
        this.transport = transport;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.clock = clock;
    }

    /** A random 16-bit query ID from a cryptographic source. */
    public static int newId() {
        return RANDOM.nextInt(0x10000);
    }

    /** Responses ignored so far because address, port, ID or question did not match. */
    public long rejectedResponses() {
        return rejected.get();
    }

    /**
     * Sends {@code query} to {@code server} (a real, connectable address) and completes with the
     * first response that passes {@link ResponseCheck}, or fails with {@link TimeoutException}.
     */
    public CompletableFuture<DnsExchange> query(InetSocketAddress server, Message query, DnsProtocol protocol, Duration timeout) {
        return protocol == DnsProtocol.UDP ? udp(server, query, timeout) : tcp(server, query, timeout);
    }

    private CompletableFuture<DnsExchange> udp(InetSocketAddress server, Message query, Duration timeout) {
        CompletableFuture<DnsExchange> result = new CompletableFuture<>();
        byte[] wire = query.toWire();
        int[] ignored = {0};
        long[] sentAt = {0};
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ResponseCheck.Result r = ResponseCheck.check(query, server, packet.sender(), ByteBufUtil.getBytes(packet.content()));
                        if (r.verdict() != ResponseCheck.Verdict.ACCEPTED) {
                            ignored[0]++;
                            rejected.incrementAndGet();
                            return;
                        }
                        result.complete(new DnsExchange(r.response(), packet.content().readableBytes(),
                                clock.nanoTime() - sentAt[0], DnsProtocol.UDP, server, ignored[0]));
                        ctx.close();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP port unreachable and the like: keep waiting; the timeout decides.
                    }
                });
        InetSocketAddress local = new InetSocketAddress(server.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
        ChannelFuture bind = b.bind(local);
        bind.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            Channel ch = bind.channel();
            var timer = ch.eventLoop().schedule(() -> {
                result.completeExceptionally(new TimeoutException("no answer from " + server + " within " + timeout.toMillis() + " ms"));
                ch.close();
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((x, e) -> {
                timer.cancel(false);
                ch.close();
            });
            sentAt[0] = clock.nanoTime();
            ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), server)).addListener(w -> {
                if (!w.isSuccess()) {
                    result.completeExceptionally(w.cause());
                }
            });
        });
        return result;
    }

    private CompletableFuture<DnsExchange> tcp(InetSocketAddress server, Message query, Duration timeout) {
        CompletableFuture<DnsExchange> result = new CompletableFuture<>();
        byte[] wire = query.toWire();
        long[] sentAt = {clock.nanoTime()};
        int[] ignored = {0};
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2));
                        ch.pipeline().addLast(new LengthFieldPrepender(2));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                byte[] bytes = ByteBufUtil.getBytes(frame);
                                ResponseCheck.Result r = ResponseCheck.check(query, server, server, bytes);
                                if (r.verdict() != ResponseCheck.Verdict.ACCEPTED) {
                                    ignored[0]++;
                                    rejected.incrementAndGet();
                                    return;
                                }
                                result.complete(new DnsExchange(r.response(), bytes.length, clock.nanoTime() - sentAt[0],
                                        DnsProtocol.TCP, server, ignored[0]));
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                result.completeExceptionally(new java.io.IOException(server + " closed the TCP connection without an answer"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                result.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture connect = b.connect(server);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            Channel ch = connect.channel();
            var timer = ch.eventLoop().schedule(() -> {
                result.completeExceptionally(new TimeoutException("no answer from " + server + " over TCP within " + timeout.toMillis() + " ms"));
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((x, e) -> {
                timer.cancel(false);
                ch.close();
            });
            ch.writeAndFlush(Unpooled.wrappedBuffer(wire));
        });
        return result;
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(2_000);
        }
    }
}
