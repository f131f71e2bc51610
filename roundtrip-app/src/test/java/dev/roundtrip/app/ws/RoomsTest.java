package dev.roundtrip.app.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The room bookkeeping on embedded channels: bounded rooms and members, and a member that stops reading is dropped. */
class RoomsTest {
    private static final WebSocketLimits LIMITS = new WebSocketLimits(1024, 4096, 2, 3, 4);

    /** A member whose socket never drains: writes stay pending. */
    private static EmbeddedChannel stuck() {
        return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg); // never completes the promise
            }
        });
    }

    @Test
    void roomsAndMembersAreBounded() {
        Rooms rooms = new Rooms(LIMITS);
        for (int i = 0; i < 3; i++) {
            assertThat(rooms.join("a", new EmbeddedChannel())).isNotNull();
        }
        assertThat(rooms.join("a", new EmbeddedChannel())).as("fourth member of a three-member room").isNull();
        assertThat(rooms.join("b", new EmbeddedChannel())).isNotNull();
        assertThat(rooms.join("c", new EmbeddedChannel())).as("third room of two").isNull();
        assertThat(rooms.members("a")).isEqualTo(3);
    }

    @Test
    void everyMemberGetsEachMessageAndASlowOneIsDroppedWith1008() {
        Rooms rooms = new Rooms(LIMITS);
        EmbeddedChannel fast = new EmbeddedChannel();
        EmbeddedChannel slow = stuck();
        rooms.join("r", fast);
        rooms.join("r", slow);
        for (int i = 0; i < LIMITS.maxQueuedPerMember(); i++) {
            rooms.broadcast("r", new TextWebSocketFrame("m" + i));
        }
        assertThat(rooms.members("r")).isEqualTo(2);
        assertThat(slow.isOpen()).isTrue();
        rooms.broadcast("r", new TextWebSocketFrame("one too many for the slow one"));
        assertThat(rooms.members("r")).isEqualTo(1);
        for (int i = 0; i < LIMITS.maxQueuedPerMember(); i++) {
            TextWebSocketFrame f = fast.readOutbound();
            assertThat(f.text()).isEqualTo("m" + i);
            f.release();
        }
        TextWebSocketFrame last = fast.readOutbound();
        assertThat(last.text()).isEqualTo("one too many for the slow one");
        last.release();
        slow.advanceTimeBy(1, TimeUnit.SECONDS);
        slow.runScheduledPendingTasks();
        assertThat(slow.isOpen()).as("closed although its Close frame could not be written").isFalse();
    }
}
