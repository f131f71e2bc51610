package dev.roundtrip.dns.transport;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Answers one DNS query: the contract between {@link DnsListener} (bytes in, bytes out) and the
 * servers (authoritative, recursive) that decide what to answer.
 *
 * <p>Contract: {@code handle} is called on a Netty event loop and must not block; it calls
 * {@code reply} at most once, from any thread, with the complete response message (no TCP length
 * prefix), or never to drop the query (as RFC 1035 servers do with garbage that has no header).
 * It must not throw: a bug is the server's problem, not the client's, and it answers SERVFAIL.
 */
@FunctionalInterface
public interface QueryHandler {
    void handle(byte[] query, DnsProtocol protocol, InetSocketAddress client, Consumer<byte[]> reply);
}
