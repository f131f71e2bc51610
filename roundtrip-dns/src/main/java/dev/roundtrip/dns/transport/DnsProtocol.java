package dev.roundtrip.dns.transport;

/** The transport a DNS message travels on (RFC 1035 section 4.2): its size rules differ. */
public enum DnsProtocol {
    /** One datagram; at most 512 bytes, or the EDNS0 payload size the client advertised. */
    UDP,
    /** A stream of messages each prefixed by a two-byte length; up to 65535 bytes. */
    TCP;

    public String label() {
        return this == UDP ? "dns/udp" : "dns/tcp";
    }
}
