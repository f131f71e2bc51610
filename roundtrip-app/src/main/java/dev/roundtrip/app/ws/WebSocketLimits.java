package dev.roundtrip.app.ws;

/**
 * The limits the app's WebSocket endpoints enforce on untrusted clients, each with a safe default.
 * A frame over {@code maxFrameBytes} or a message over {@code maxMessageBytes} closes the socket
 * with 1009; a join past {@code maxRoomMembers} or {@code maxRooms} is closed with 1013 (try again
 * later); a member with {@code maxQueuedPerMember} broadcasts still unsent is closed with 1008
 * (a slow reader does not hold the room's memory).
 *
 * @param maxFrameBytes largest frame payload
 * @param maxMessageBytes largest message (its fragments together)
 * @param maxRooms rooms at once on one app server
 * @param maxRoomMembers members of one room
 * @param maxQueuedPerMember broadcast messages waiting to be written to one member
 */
public record WebSocketLimits(int maxFrameBytes, int maxMessageBytes, int maxRooms, int maxRoomMembers, int maxQueuedPerMember) {
    public static final WebSocketLimits DEFAULTS = new WebSocketLimits(64 * 1024, 1024 * 1024, 1000, 100, 256);

    public WebSocketLimits {
        range("maxFrameBytes", maxFrameBytes, 125, 16 * 1024 * 1024);
        range("maxMessageBytes", maxMessageBytes, maxFrameBytes, 64 * 1024 * 1024);
        range("maxRooms", maxRooms, 1, 1_000_000);
        range("maxRoomMembers", maxRoomMembers, 1, 100_000);
        range("maxQueuedPerMember", maxQueuedPerMember, 1, 1_000_000);
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + ": " + v + " is outside " + min + " to " + max);
        }
    }
}
