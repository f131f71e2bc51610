package dev.roundtrip.core.topology;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One service on a host. Core validates what every service has (type, port); the module that
 * implements the type validates {@code settings}, reporting errors under {@code path}.
 *
 * @param type what it is
 * @param port the port on the host's lab address
 * @param settings the type-specific keys, as written
 * @param path where it was written, e.g. "hosts[2].services[0]", for error messages
 */
public record ServiceSpec(ServiceType type, int port, JsonNode settings, String path) {}
