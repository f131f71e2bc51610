package dev.roundtrip.dns.transport;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one DNS server: UDP and TCP on the same address and port (RFC 1035 section 4.2,
 * RFC 7766), handing every query to a {@link QueryHandler}. On epoll several UDP sockets share the
 * port with SO_REUSEPORT, one per event loop, so the kernel spreads datagrams across cores.
 *
 * <p>Lifecycle: {@link #bind} once, {@link #close} once; not reusable.
 */
public final class DnsListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsListener.class);
    private static final int PORT_ATTEMPTS = 20;
    /** Larger UDP queries are cut here (and then answered FORMERR): real ones are a few dozen bytes. */
    static final int MAX_QUERY_BYTES = 2048;
    /**
     * Datagrams read by one recvmmsg at most, and so answered by one sendmmsg: under load, fewer
     * system calls per query (NSD reads up to 100 at a time).
     */
    static final int UDP_BATCH = 64;

    private final String name;
    private final QueryHandler handler;
    private final ListenerLimits limits;
    private final Transport transport = Transport.best();
    private EventLoopGroup group; // made by bind: a listener never bound holds no threads
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ListenerCounters counters = new ListenerCounters();
    private volatile InetSocketAddress bound;

    public DnsListener(String name, QueryHandler handler, ListenerLimits limits) {
        this.name = name;
        this.handler = handler;
        this.limits = limits;
    }

    /**
     * Binds UDP and TCP where {@code network} maps {@code listen} and returns the two addresses a
     * DNS {@link dev.roundtrip.core.service.Service} reports: the lab address users ask for (the
     * real one when port 0 was asked), and the socket actually bound.
     */
    public List<BoundAddress> bind(Network network, InetSocketAddress listen) throws Exception {
        InetSocketAddress real = bind(network.bindAddress(listen));
        InetSocketAddress lab = listen.getPort() == 0 ? real : listen;
        return List.of(new BoundAddress(DnsProtocol.UDP.label(), lab, real), new BoundAddress(DnsProtocol.TCP.label(), lab, real));
    }

    /**
     * Binds TCP and UDP on {@code address}; port 0 picks one port free for both.
     *
     * @return the address bound (the real one)
     * @throws Exception the bind failure (address in use, permission denied)
     */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws Exception {
        if (group != null) {
            throw new IllegalStateException(name + ": already bound");
        }
        group = transport.newGroup(limits.threads(), "dns-" + name.replace(' ', '-'));
        Exception last = null;
        int attempts = address.getPort() == 0 ? PORT_ATTEMPTS : 1;
        for (int i = 0; i < attempts; i++) {
            Channel tcp = null;
            try {
                tcp = bindTcp(address);
                InetSocketAddress actual = (InetSocketAddress) tcp.localAddress();
                bindUdp(actual);
                channels.add(tcp);
                bound = actual;
                return actual;
            } catch (Exception e) {
                last = e;
                if (tcp != null) {
                    tcp.close().syncUninterruptibly();
                }
                channels.close().syncUninterruptibly();
                channels.clear();
            }
        }
        throw last;
    }

    public InetSocketAddress boundAddress() {
        return bound;
    }

    /** Queries, responses and defects counted since bind. */
    public ListenerCounters counters() {
        return counters;
    }

    private Channel bindTcp(InetSocketAddress address) throws Exception {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new DnsTcpInitializer(handler, limits, counters));
        ChannelFuture f = b.bind(address).await();
        if (!f.isSuccess()) {
            throw asException(f.cause());
        }
        return f.channel();
    }

    private void bindUdp(InetSocketAddress address) throws Exception {
        int sockets = transport == Transport.EPOLL
                ? (limits.udpSockets() == 0 ? limits.threads() : limits.udpSockets())
                : 1;
        List<Channel> udp = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            Bootstrap b = new Bootstrap().group(group);
            if (transport == Transport.EPOLL && address.getAddress() instanceof Inet4Address) {
                // An IPv4 socket for an IPv4 address: the dual-stack default sends every reply
                // through the kernel's IPv6 path with a v4-mapped address, slower per packet.
                b.channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET));
            } else {
                b.channel(transport.datagramChannel());
            }
            b.option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .handler(new DnsUdpHandler(handler, counters));
            if (transport == Transport.EPOLL) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
                // recvmmsg: up to UDP_BATCH queries of at most MAX_QUERY_BYTES per system call.
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY_BYTES);
                b.option(ChannelOption.RECVBUF_ALLOCATOR, new io.netty.channel.FixedRecvByteBufAllocator(MAX_QUERY_BYTES * UDP_BATCH));
            }
            ChannelFuture f = b.bind(address).await();
            if (!f.isSuccess()) {
                for (Channel c : udp) {
                    c.close();
                }
                throw asException(f.cause());
            }
            udp.add(f.channel());
        }
        channels.addAll(udp);
    }

    private static Exception asException(Throwable t) {
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** Stops listening, waits at most {@code graceMillis} for queries in flight, frees the threads. */
    public synchronized void close(long graceMillis) {
        if (group == null) {
            return;
        }
        channels.close().awaitUninterruptibly(Math.max(graceMillis, 100), TimeUnit.MILLISECONDS);
        group.shutdownGracefully(0, Math.max(graceMillis, 100), TimeUnit.MILLISECONDS).awaitUninterruptibly(graceMillis + 2_000);
        log.debug("{}: closed after {}", name, counters);
    }

    @Override
    public void close() {
        close(500);
    }

    /** Counters of one listener; read by health and metrics. */
    public static final class ListenerCounters {
        final AtomicLong udpQueries = new AtomicLong();
        final AtomicLong tcpQueries = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong handlerErrors = new AtomicLong();
        final AtomicLong tcpRefused = new AtomicLong();

        public long udpQueries() {
            return udpQueries.get();
        }

        public long tcpQueries() {
            return tcpQueries.get();
        }

        /** Queries answered with nothing (no header to answer to). */
        public long dropped() {
            return dropped.get();
        }

        public long handlerErrors() {
            return handlerErrors.get();
        }

        /** TCP connections closed at once because {@link ListenerLimits#maxTcpConnections()} were open. */
        public long tcpRefused() {
            return tcpRefused.get();
        }

        @Override
        public String toString() {
            return "udp=" + udpQueries + " tcp=" + tcpQueries + " dropped=" + dropped + " errors=" + handlerErrors
                    + " tcpRefused=" + tcpRefused;
        }
    }
}
