package dev.roundtrip.dns.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one query per datagram and sends the handler's reply back to the sender: the whole UDP
 * side of a DNS server. One instance per UDP socket (it remembers unflushed replies).
 */
final class DnsUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger(DnsUdpHandler.class);

    private final QueryHandler handler;
    private final DnsListener.ListenerCounters counters;
    /** Replies written but not flushed; per channel, touched only on its event loop. */
    private boolean pending;

    DnsUdpHandler(QueryHandler handler, DnsListener.ListenerCounters counters) {
        this.handler = handler;
        this.counters = counters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        counters.udpQueries.incrementAndGet();
        byte[] query = ByteBufUtil.getBytes(packet.content());
        InetSocketAddress sender = packet.sender();
        try {
            handler.handle(query, DnsProtocol.UDP, sender, response -> {
                if (response == null) {
                    counters.dropped.incrementAndGet();
                    return;
                }
                DatagramPacket out = new DatagramPacket(Unpooled.wrappedBuffer(response), sender);
                if (ctx.executor().inEventLoop()) {
                    // Answered at once: queue it; channelReadComplete flushes the whole batch
                    // (one sendmmsg on epoll for every datagram read by one recvmmsg).
                    ctx.write(out, ctx.voidPromise());
                    pending = true;
                } else {
                    ctx.writeAndFlush(out, ctx.voidPromise());
                }
            });
        } catch (RuntimeException e) {
            counters.handlerErrors.incrementAndGet();
            log.warn("udp query from {}: handler failed", sender, e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending) {
            pending = false;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A send error (ICMP unreachable reported on a later read) concerns one peer only: keep serving.
        counters.handlerErrors.incrementAndGet();
        log.debug("udp socket {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
