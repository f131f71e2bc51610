package dev.roundtrip.dns.transport;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;

/**
 * One query and its accepted response, with the facts the resolver and dig report.
 *
 * @param response the response, checked by {@link ResponseCheck}
 * @param responseBytes its size on the wire
 * @param rttNanos from the send to the accepted response, on the client's clock
 * @param protocol UDP or TCP
 * @param server the real address asked
 * @param rejected datagrams ignored while waiting (strays and forgeries)
 */
public record DnsExchange(Message response, int responseBytes, long rttNanos, DnsProtocol protocol,
                          InetSocketAddress server, int rejected) {}
