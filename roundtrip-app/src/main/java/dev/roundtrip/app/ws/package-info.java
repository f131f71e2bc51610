/**
 * The app tier's WebSocket endpoints (RFC 6455 through Netty's codec): {@code /ws/echo} and the
 * broadcast rooms {@code /ws/room/NAME}, so a long-lived connection can be followed end to end
 * through the load balancer.
 */
package dev.roundtrip.app.ws;
