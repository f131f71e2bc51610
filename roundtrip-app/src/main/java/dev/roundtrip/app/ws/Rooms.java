package dev.roundtrip.app.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broadcast rooms of one app server: who is in which room, and the fan-out of one member's
 * message to every member (the sender included, so each sees the room's one order). Each member
 * has a bounded queue of messages not yet written; a member that falls that far behind is closed
 * with 1008 rather than buffered without bound. Thread-safe: members live on different event loops.
 */
public final class Rooms {
    /** One member: its channel and how many broadcasts are written to it but not yet sent. */
    static final class Member {
        final Channel channel;
        final AtomicInteger queued = new AtomicInteger();

        Member(Channel channel) {
            this.channel = channel;
        }
    }

    private final WebSocketLimits limits;
    private final Map<String, Set<Member>> rooms = new ConcurrentHashMap<>();

    public Rooms(WebSocketLimits limits) {
        this.limits = limits;
    }

    /** Members of {@code room} now. */
    public int members(String room) {
        Set<Member> m = rooms.get(room);
        return m == null ? 0 : m.size();
    }

    /** Adds {@code channel} to {@code room}; null when the room is full or there are too many rooms. */
    synchronized Member join(String room, Channel channel) {
        Set<Member> members = rooms.get(room);
        if (members == null) {
            if (rooms.size() >= limits.maxRooms()) {
                return null;
            }
            members = ConcurrentHashMap.newKeySet();
            rooms.put(room, members);
        }
        if (members.size() >= limits.maxRoomMembers()) {
            return null;
        }
        Member m = new Member(channel);
        members.add(m);
        return m;
    }

    synchronized void leave(String room, Member member) {
        Set<Member> members = rooms.get(room);
        if (members != null && members.remove(member) && members.isEmpty()) {
            rooms.remove(room);
        }
    }

    /**
     * Takes a member that stopped reading out of the room: a Close 1008 is queued behind what it
     * has not read, and the connection is closed when that is written or after a second, whichever
     * comes first (a reader that never reads must not keep its buffers).
     */
    private void dropSlow(String room, Member m) {
        leave(room, m);
        Channel ch = m.channel;
        ch.writeAndFlush(new CloseWebSocketFrame(1008, "too slow: " + limits.maxQueuedPerMember() + " messages queued"))
                .addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, 1, TimeUnit.SECONDS);
    }

    /** Sends {@code message} (released here) to every member of {@code room}. */
    void broadcast(String room, WebSocketFrame message) {
        try {
            Set<Member> members = rooms.get(room);
            if (members == null) {
                return;
            }
            for (Member m : members) {
                if (m.queued.incrementAndGet() > limits.maxQueuedPerMember()) {
                    m.queued.decrementAndGet();
                    dropSlow(room, m);
                    continue;
                }
                m.channel.writeAndFlush(message.retainedDuplicate()).addListener(f -> m.queued.decrementAndGet());
            }
        } finally {
            message.release();
        }
    }
}
