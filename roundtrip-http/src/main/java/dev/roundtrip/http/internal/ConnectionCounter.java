package dev.roundtrip.http.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The first handler of every downstream connection: counts open connections of one server, keeps
 * the set of them (so a drain can reach each one), and closes a new one at once when the limit is
 * reached, before any byte of it is parsed.
 */
@ChannelHandler.Sharable
public final class ConnectionCounter extends ChannelInboundHandlerAdapter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    public ConnectionCounter(int max) {
        this.max = max;
    }

    public int open() {
        return open.get();
    }

    public long rejected() {
        return rejected.sum();
    }

    /** The connections accepted and still open (a snapshot). */
    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            rejected.increment();
            ctx.close();
            return;
        }
        channels.add(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        channels.remove(ctx.channel());
        super.channelInactive(ctx);
    }
}
