package dev.roundtrip.dns.dig;

import dev.roundtrip.core.net.Network;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * One {@code roundtrip dig} invocation, validated in one step.
 *
 * @param network how addresses are reached (host network from the CLI, embedded in tests)
 * @param server the server to ask (ignored by +trace, which starts at {@code rootServers})
 * @param name the name asked about (absolute)
 * @param type the query type
 * @param tcp {@code +tcp}: ask over TCP from the start
 * @param recurse RD flag; {@code +norecurse} clears it
 * @param explain {@code +explain}: ask roundtrip's resolver for its steps (EDNS option)
 * @param trace {@code +trace}: iterate from the root servers, printing each referral
 * @param rootServers where +trace starts (root hints)
 * @param timeout per query
 */
public record DigRequest(Network network, InetSocketAddress server, Name name, int type, boolean tcp, boolean recurse,
                         boolean explain, boolean trace, List<InetSocketAddress> rootServers, Duration timeout) {
    public DigRequest {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(name, "name");
        rootServers = List.copyOf(rootServers);
        if (!trace) {
            Objects.requireNonNull(server, "server");
        }
        if (trace && rootServers.isEmpty()) {
            throw new IllegalArgumentException("+trace needs root servers (root hints)");
        }
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("name must be absolute: " + name);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
