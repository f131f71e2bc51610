package dev.roundtrip.dns.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each length-framed query of one TCP connection to the handler and writes the replies back
 * (in completion order: RFC 7766 section 6.2.1.1 allows out-of-order answers). Closes only its own
 * connection on idleness or a broken stream.
 */
final class DnsTcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(DnsTcpHandler.class);

    private final QueryHandler handler;
    private final DnsListener.ListenerCounters counters;

    DnsTcpHandler(QueryHandler handler, DnsListener.ListenerCounters counters) {
        this.handler = handler;
        this.counters = counters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        counters.tcpQueries.incrementAndGet();
        byte[] query = ByteBufUtil.getBytes(frame);
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        try {
            handler.handle(query, DnsProtocol.TCP, peer, response -> {
                if (response == null) {
                    counters.dropped.incrementAndGet();
                    ctx.close(); // nothing sane to answer on this stream: RFC 7766 section 6.2.3 lets us close
                    return;
                }
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(response), ctx.voidPromise());
                }
            });
        } catch (RuntimeException e) {
            counters.handlerErrors.incrementAndGet();
            log.warn("tcp query from {}: handler failed", peer, e);
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.handlerErrors.incrementAndGet();
        log.debug("tcp connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
