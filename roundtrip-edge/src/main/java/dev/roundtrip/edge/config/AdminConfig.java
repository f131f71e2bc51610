package dev.roundtrip.edge.config;

import java.net.InetSocketAddress;

/**
 * The admin listener: Prometheus text metrics on {@code /metrics}, {@code /healthz}, and the
 * state of every cluster on {@code /clusters}. Plain HTTP/1.1; bind it to loopback.
 *
 * @param address where it listens
 */
public record AdminConfig(InetSocketAddress address) {}
