package dev.roundtrip.dns.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assembles the TCP side of a DNS server, in order: connection limit, idle timeout, the two-byte
 * length framing of RFC 1035 section 4.2.2, then the query handler.
 */
final class DnsTcpInitializer extends ChannelInitializer<SocketChannel> {
    private final QueryHandler handler;
    private final ListenerLimits limits;
    private final DnsListener.ListenerCounters counters;
    private final AtomicInteger open = new AtomicInteger();

    DnsTcpInitializer(QueryHandler handler, ListenerLimits limits, DnsListener.ListenerCounters counters) {
        this.handler = handler;
        this.limits = limits;
        this.counters = counters;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > limits.maxTcpConnections()) {
            open.decrementAndGet();
            counters.tcpRefused.incrementAndGet();
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(0, 0, limits.tcpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2));
        p.addLast("frame-encoder", new LengthFieldPrepender(2));
        p.addLast("query", new DnsTcpHandler(handler, counters));
    }
}
