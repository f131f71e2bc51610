package dev.roundtrip.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle event on the event loop's clock (EmbeddedChannel's, moved by hand): never early, at most an eighth late. */
class ConnectionIdleHandlerTest {
    private final List<Long> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionIdleHandler(Duration.ofSeconds(8)),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt == IdleStateEvent.ALL_IDLE_STATE_EVENT) {
                        events.add(elapsedSeconds);
                    }
                }

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                }
            });
    private long elapsedSeconds;

    private void advanceTo(long second) {
        while (elapsedSeconds < second) {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            elapsedSeconds++;
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void aSilentConnectionIsIdleAfterTheTimeoutAndAgainAWholeTimeoutLater() {
        advanceTo(7);
        assertThat(events).isEmpty();
        advanceTo(8);
        assertThat(events).containsExactly(8L);
        advanceTo(16);
        assertThat(events).containsExactly(8L, 16L);
    }

    @Test
    void aReadOrAFlushPutsTheEventOffUntilATimeoutAfterTheCheckThatSawIt() {
        advanceTo(5);
        channel.writeInbound("request");
        advanceTo(13);
        assertThat(events).as("active until the check at 6 s").isEmpty();
        advanceTo(14);
        assertThat(events).containsExactly(14L);

        channel.flush();
        advanceTo(22);
        assertThat(events).containsExactly(14L);
        advanceTo(23);
        assertThat(events).containsExactly(14L, 23L);
    }

    @Test
    void aClosedConnectionHasNoMoreEvents() {
        channel.close();
        advanceTo(20);
        assertThat(events).isEmpty();
    }
}
