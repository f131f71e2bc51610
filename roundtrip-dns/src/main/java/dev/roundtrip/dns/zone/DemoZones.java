package dev.roundtrip.dns.zone;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The mini-internet's DNS hierarchy that ships with roundtrip as classpath resources: the root
 * zone (delegating {@code com.}), {@code com.} (delegating {@code example.com.}),
 * {@code example.com.} (api, www, mail), and root hints pointing at the lab's root server. The
 * addresses here are the ones the default topology gives those hosts.
 */
public final class DemoZones {
    /** Where the resources live on the classpath. */
    public static final String RESOURCE_DIR = "dev/roundtrip/dns/zones/";
    public static final String ROOT = RESOURCE_DIR + "root.zone";
    public static final String COM = RESOURCE_DIR + "com.zone";
    public static final String EXAMPLE_COM = RESOURCE_DIR + "example.com.zone";
    public static final String ROOT_HINTS = RESOURCE_DIR + "root.hints";

    /** a.root-servers.net. */
    public static final InetAddress ROOT_SERVER = address(198, 18, 0, 4);
    /** a.gtld-servers.net., the com. TLD server. */
    public static final InetAddress TLD_SERVER = address(198, 18, 0, 30);
    /** ns1.example.com., authoritative for example.com. */
    public static final InetAddress EXAMPLE_COM_SERVER = address(198, 18, 0, 53);
    /** The recursive resolver. */
    public static final InetAddress RESOLVER = address(198, 18, 0, 2);
    /** api.example.com.: the load balancer. */
    public static final InetAddress API = address(198, 18, 1, 10);

    private DemoZones() {}

    public static Zone root() {
        return ZoneLoader.loadResource(ROOT);
    }

    public static Zone com() {
        return ZoneLoader.loadResource(COM);
    }

    public static Zone exampleCom() {
        return ZoneLoader.loadResource(EXAMPLE_COM);
    }

    /** The root servers of the demo's hints, on port 53. */
    public static List<InetSocketAddress> rootServers() {
        return RootHints.loadResource(ROOT_HINTS).servers(53);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
