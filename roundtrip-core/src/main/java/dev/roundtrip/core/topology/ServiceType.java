package dev.roundtrip.core.topology;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of service a topology can place on a host, with their usual ports. */
public enum ServiceType {
    DNS_AUTHORITATIVE("dns-authoritative", 53),
    DNS_RESOLVER("dns-resolver", 53),
    LOAD_BALANCER("load-balancer", 443),
    APP("app", 8080),
    DATABASE("database", 9092);

    private final String yamlName;
    private final int defaultPort;

    ServiceType(String yamlName, int defaultPort) {
        this.yamlName = yamlName;
        this.defaultPort = defaultPort;
    }

    /** The name used in topology files. */
    public String yamlName() {
        return yamlName;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public static Optional<ServiceType> fromYaml(String name) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(name)).findFirst();
    }

    /** The allowed names, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(ServiceType::yamlName).collect(Collectors.joining(", "));
    }
}
