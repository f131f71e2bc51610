package dev.roundtrip.dns.dig;

import dev.roundtrip.core.timeline.DnsStep;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * What {@code roundtrip dig} found: one exchange per server asked (one for a plain query, one per
 * zone for +trace), and the resolver's steps when +explain was asked and answered.
 *
 * @param exchanges every query sent and its response, in order
 * @param steps the resolver's steps (+explain), or null when not asked or not reported
 */
public record DigResult(List<Exchange> exchanges, List<DnsStep> steps) {

    /**
     * One query and its response.
     *
     * @param server the address asked (lab address when it has one)
     * @param serverName the server's name when known (+trace), else empty
     * @param zone the zone the server was asked as authoritative for (+trace), else empty
     * @param tcp whether it went over TCP
     * @param rttNanos round trip
     * @param responseBytes response size
     * @param response the response
     */
    public record Exchange(InetSocketAddress server, String serverName, String zone, boolean tcp, long rttNanos,
                           int responseBytes, Message response) {}

    /** The last response: the answer of a plain query, the authoritative answer of +trace. */
    public Exchange last() {
        return exchanges.getLast();
    }
}
