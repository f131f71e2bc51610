package dev.roundtrip.lab;

import dev.roundtrip.core.net.LabAddresses;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One host of the lab: a name (used in path tables and statistics) and the lab addresses its
 * namespace's TUN device carries (198.18.0.0/15 and 2001:db8::/32 only, at least one).
 */
public record LabHost(String name, List<InetAddress> addresses) {
    public LabHost {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("host name '" + name
                    + "' is not allowed: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("host " + name + " has no address: give it at least one in " + LabAddresses.ALLOWED);
        }
        for (InetAddress address : addresses) {
            if (!LabAddresses.isLab(address)) {
                throw new IllegalArgumentException("host " + name + " address " + address.getHostAddress()
                        + " is not a lab address: allowed are " + LabAddresses.ALLOWED);
            }
        }
    }

    /** A host from address literals, e.g. {@code LabHost.of("tokyo", "198.18.1.1", "2001:db8::1:1")}. */
    public static LabHost of(String name, String... literals) {
        return new LabHost(name, Arrays.stream(literals).map(LabAddresses::parse).toList());
    }
}
