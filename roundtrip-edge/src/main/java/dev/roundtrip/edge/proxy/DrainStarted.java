package dev.roundtrip.edge.proxy;

import java.time.Duration;

/**
 * Fired as a Netty user event on every open downstream channel when the balancer starts to drain
 * (SIGTERM or stop): handlers finish what is in flight within {@code grace}, HTTP/2 connections get
 * GOAWAY, idle HTTP/1.1 connections close, WebSocket tunnels close with 1001 (going away).
 *
 * @param grace how long in-flight work may still take
 */
public record DrainStarted(Duration grace) {}
