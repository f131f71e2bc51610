package dev.roundtrip.edge.config;

import java.time.Duration;

/**
 * How the balancer treats WebSocket tunnels (an HTTP/1.1 {@code Upgrade: websocket}, RFC 6455, or
 * an HTTP/2 extended CONNECT, RFC 8441) once the backend has switched protocols: how long a tunnel
 * may stay silent or open at all, the largest frame relayed, and how many tunnels may be open.
 * YAML key {@code websocket}: {@code { idle_timeout: 300s, max_lifetime: 24h, max_frame_bytes: 1MiB, max_tunnels: 10000 }}.
 *
 * @param idleTimeout a tunnel with no frame either way for this long is closed with 1001
 * @param maxLifetime a tunnel open this long is closed with 1001, whatever it carries
 * @param maxFrameBytes largest frame payload relayed; a larger one closes the tunnel with 1009
 * @param maxTunnels tunnels open at once on the whole balancer; more upgrades are answered 503
 */
public record WebSocketConfig(Duration idleTimeout, Duration maxLifetime, int maxFrameBytes, int maxTunnels) {

    /** Five minutes idle (nginx's proxy_read_timeout is 60 s; WebSocket apps ping less often), a day in all, 1 MiB frames. */
    public static final WebSocketConfig DEFAULTS = new WebSocketConfig(Duration.ofSeconds(300), Duration.ofHours(24), 1024 * 1024, 10_000);

    public WebSocketConfig {
        if (idleTimeout.toMillis() < 10 || idleTimeout.toDays() > 7) {
            throw new EdgeConfigException("idle_timeout", "'" + idleTimeout.toMillis() + "ms' is outside the allowed range 10ms to 7d");
        }
        if (maxLifetime.toMillis() < 10 || maxLifetime.toDays() > 365) {
            throw new EdgeConfigException("max_lifetime", "'" + maxLifetime.toMillis() + "ms' is outside the allowed range 10ms to 365d");
        }
        if (maxFrameBytes < 125 || maxFrameBytes > 64 * 1024 * 1024) {
            throw new EdgeConfigException("max_frame_bytes", "'" + maxFrameBytes + "' is outside the allowed range 125 to 64MiB");
        }
        if (maxTunnels < 1 || maxTunnels > 10_000_000) {
            throw new EdgeConfigException("max_tunnels", "'" + maxTunnels + "' is outside the allowed range 1 to 10000000");
        }
    }

    public WebSocketConfig withIdleTimeout(Duration d) {
        return new WebSocketConfig(d, maxLifetime, maxFrameBytes, maxTunnels);
    }

    public WebSocketConfig withMaxLifetime(Duration d) {
        return new WebSocketConfig(idleTimeout, d, maxFrameBytes, maxTunnels);
    }
}
