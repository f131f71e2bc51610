package dev.roundtrip.core.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roundtrip.core.net.LabAddresses;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a topology YAML file and validates it in the same step. Every error names the field path,
 * the value and what is allowed; unknown keys are errors (a typo must not silently become a default).
 *
 * <pre>
 * name: mini-internet
 * hosts:
 *   - name: a.root-servers.net
 *     address: 198.18.0.4
 *     services:
 *       - type: dns-authoritative
 *         zones: [root.zone]
 * </pre>
 */
public final class TopologyLoader {
    private static final Set<String> TOP_KEYS = Set.of("name", "hosts", "regions", "links", "paths", "seed");
    private static final Set<String> HOST_KEYS = Set.of("name", "address", "region", "services");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** Loads a topology file. */
    public Topology load(Path file) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, source);
        } catch (NoSuchFileException e) {
            throw new TopologyException(source, "", "file not found");
        } catch (IOException e) {
            throw new TopologyException(source, "", "cannot read: " + e.getMessage());
        }
    }

    /** Loads a topology from a stream; {@code source} names it in error messages. */
    public Topology load(InputStream in, String source) {
        JsonNode root;
        try {
            root = yaml.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new TopologyException(source, where, "not valid YAML: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new TopologyException(source, "", "cannot read: " + e.getMessage());
        }
        try {
            return parse(root);
        } catch (TopologyException e) {
            throw new TopologyException(source, e.field(), e.problem());
        }
    }

    private Topology parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new TopologyException("", "", "the file is empty; expected 'name' and 'hosts'");
        }
        if (!root.isObject()) {
            throw new TopologyException("", "", "expected a mapping with 'name' and 'hosts', found " + kind(root));
        }
        checkKeys(root, "", TOP_KEYS);
        String name = root.hasNonNull("name") ? text(root.get("name"), "name") : "topology";
        JsonNode hostsNode = root.get("hosts");
        if (hostsNode == null || !hostsNode.isArray() || hostsNode.isEmpty()) {
            throw new TopologyException("", "hosts", "expected a non-empty list of hosts, found " + kind(hostsNode));
        }
        List<Host> hosts = new ArrayList<>();
        Map<String, String> namesSeen = new HashMap<>();
        Map<InetSocketAddress, String> portsSeen = new HashMap<>();
        for (int i = 0; i < hostsNode.size(); i++) {
            String path = "hosts[" + i + "]";
            Host host = parseHost(hostsNode.get(i), path);
            String previous = namesSeen.putIfAbsent(host.name(), path);
            if (previous != null) {
                throw new TopologyException("", path + ".name", "'" + host.name() + "' is already the name of " + previous + " (host names are unique)");
            }
            for (ServiceSpec s : host.services()) {
                InetSocketAddress at = new InetSocketAddress(host.address(), s.port());
                String other = portsSeen.putIfAbsent(at, s.path());
                if (other != null) {
                    throw new TopologyException("", s.path() + ".port", s.port() + " on " + host.address().getHostAddress()
                            + " is already used by " + other + " (one service per address and port)");
                }
            }
            hosts.add(host);
        }
        ObjectNode geography = yaml.createObjectNode();
        for (String key : Topology.GEOGRAPHY_KEYS) {
            if (root.has(key)) {
                geography.set(key, root.get(key));
            }
        }
        return new Topology(name, hosts, geography);
    }

    private Host parseHost(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new TopologyException("", path, "expected a host mapping (name, address, services), found " + kind(node));
        }
        checkKeys(node, path, HOST_KEYS);
        String name = text(required(node, path, "name"), path + ".name");
        if (!HOST_NAME.matcher(name).matches()) {
            throw new TopologyException("", path + ".name", "'" + name + "' is not a host name (letters, digits, '-' and dots)");
        }
        String addressText = text(required(node, path, "address"), path + ".address");
        InetAddress address;
        try {
            address = LabAddresses.parseLiteral(addressText);
        } catch (IllegalArgumentException e) {
            throw new TopologyException("", path + ".address", "'" + addressText + "' is not an IP address (allowed: " + LabAddresses.ALLOWED + ")");
        }
        if (!LabAddresses.isLab(address)) {
            throw new TopologyException("", path + ".address", "'" + addressText + "' is not a lab address (allowed: " + LabAddresses.ALLOWED + ")");
        }
        String region = node.hasNonNull("region") ? text(node.get("region"), path + ".region") : "";
        List<ServiceSpec> services = new ArrayList<>();
        JsonNode servicesNode = node.get("services");
        if (servicesNode != null && !servicesNode.isNull()) {
            if (!servicesNode.isArray()) {
                throw new TopologyException("", path + ".services", "expected a list of services, found " + kind(servicesNode));
            }
            for (int j = 0; j < servicesNode.size(); j++) {
                services.add(parseService(servicesNode.get(j), path + ".services[" + j + "]"));
            }
        }
        return new Host(name, address, region, services);
    }

    private ServiceSpec parseService(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new TopologyException("", path, "expected a service mapping with 'type', found " + kind(node));
        }
        String typeName = text(required(node, path, "type"), path + ".type");
        ServiceType type = ServiceType.fromYaml(typeName).orElseThrow(() -> new TopologyException("", path + ".type",
                "'" + typeName + "' is not a service type (allowed: " + ServiceType.allowed() + ")"));
        int port = type.defaultPort();
        JsonNode portNode = node.get("port");
        if (portNode != null) {
            if (!portNode.canConvertToInt() || !portNode.isIntegralNumber() || portNode.asInt() < 1 || portNode.asInt() > 65535) {
                throw new TopologyException("", path + ".port", "'" + portNode.asText() + "' is not a port (allowed: 1-65535)");
            }
            port = portNode.asInt();
        }
        ObjectNode settings = ((ObjectNode) node).deepCopy();
        settings.remove("type");
        settings.remove("port");
        return new ServiceSpec(type, port, settings, path);
    }

    private static JsonNode required(JsonNode node, String path, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw new TopologyException("", path.isEmpty() ? key : path + "." + key, "missing (required)");
        }
        return value;
    }

    private static String text(JsonNode node, String path) {
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw new TopologyException("", path, "expected a non-empty text value, found " + kind(node));
        }
        return node.asText();
    }

    private static void checkKeys(JsonNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new TopologyException("", path.isEmpty() ? key : path + "." + key,
                        "unknown key (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** SnakeYAML's messages span lines with a caret drawing; keep the words. */
    private static String oneLine(String message) {
        return message.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("in 'reader'"))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "'" + node.asText() + "'";
    }
}
