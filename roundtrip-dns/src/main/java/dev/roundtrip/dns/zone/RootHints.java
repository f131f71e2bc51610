package dev.roundtrip.dns.zone;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Root hints in named.root format: the root's NS names and their addresses, where a recursive
 * resolver starts. Only addresses of names listed as root NS count.
 *
 * @param nameServers the root NS names, in file order
 * @param addresses the addresses of those names, in file order (IPv4 first as written)
 */
public record RootHints(List<Name> nameServers, List<InetAddress> addresses) {
    public RootHints {
        nameServers = List.copyOf(nameServers);
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new ZoneException("root hints name no root server address");
        }
    }

    public static RootHints load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ZoneException("root hints " + file + ": " + e.getMessage(), e);
        }
    }

    public static RootHints loadResource(String resource) {
        InputStream in = RootHints.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new ZoneException("root hints resource " + resource + " is not on the classpath");
        }
        try (in) {
            return parse(in, "resource " + resource);
        } catch (IOException e) {
            throw new ZoneException("root hints " + resource + ": " + e.getMessage(), e);
        }
    }

    public static RootHints parse(InputStream in, String source) {
        List<Record> records = ZoneLoader.parseRecords(in, Name.root, source);
        List<Name> ns = new ArrayList<>();
        for (Record r : records) {
            if (r instanceof NSRecord n && r.getName().equals(Name.root)) {
                ns.add(n.getTarget());
            }
        }
        if (ns.isEmpty()) {
            throw new ZoneException(source + ": no NS records for the root ('.')");
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Record r : records) {
            if (ns.contains(r.getName())) {
                if (r instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (r instanceof AAAARecord a) {
                    addresses.add(a.getAddress());
                }
            }
        }
        try {
            return new RootHints(ns, addresses);
        } catch (ZoneException e) {
            throw new ZoneException(source + ": " + e.getMessage());
        }
    }

    /** The root servers' addresses on {@code port}. */
    public List<InetSocketAddress> servers(int port) {
        return addresses.stream().map(a -> new InetSocketAddress(a, port)).toList();
    }
}
