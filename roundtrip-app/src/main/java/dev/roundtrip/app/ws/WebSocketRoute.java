package dev.roundtrip.app.ws;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The app's WebSocket endpoints, decided from a request alone: {@code /ws/echo} echoes each
 * message, {@code /ws/room/NAME} broadcasts each message to every member of room NAME (1 to 64 of
 * {@code A-Z a-z 0-9 - _ .}). Anything else is not a WebSocket endpoint (the HTTP API answers it).
 */
public sealed interface WebSocketRoute {

    record Echo() implements WebSocketRoute {}

    record Room(String name) implements WebSocketRoute {}

    /** The endpoint {@code request} upgrades to, or null when it is no WebSocket upgrade to one of ours. */
    static WebSocketRoute of(HttpRequest request) {
        if (!request.method().equals(HttpMethod.GET) || !request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
            return null;
        }
        return parse(new QueryStringDecoder(request.uri()).path());
    }

    /** The endpoint at {@code path}, or null. */
    static WebSocketRoute parse(String path) {
        if (path.equals("/ws/echo")) {
            return new Echo();
        }
        if (path.startsWith("/ws/room/")) {
            String name = path.substring("/ws/room/".length());
            if (!name.isEmpty() && name.length() <= 64 && name.chars().allMatch(WebSocketRoute::nameChar)) {
                return new Room(name);
            }
        }
        return null;
    }

    private static boolean nameChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
    }
}
