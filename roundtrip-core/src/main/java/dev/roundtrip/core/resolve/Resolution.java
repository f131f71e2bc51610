package dev.roundtrip.core.resolve;

import dev.roundtrip.core.timeline.DnsStep;
import java.net.InetAddress;
import java.util.List;

/**
 * The answer to one name resolution.
 *
 * @param host the name asked for
 * @param addresses its addresses, in the order to try them (never empty)
 * @param fromCache whether the answer came from the client's own cache
 * @param steps how the answer was found (cache hit, or each upstream query)
 */
public record Resolution(String host, List<InetAddress> addresses, boolean fromCache, List<DnsStep> steps) {
    public Resolution {
        addresses = List.copyOf(addresses);
        steps = List.copyOf(steps);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a resolution of " + host + " needs at least one address");
        }
    }
}
