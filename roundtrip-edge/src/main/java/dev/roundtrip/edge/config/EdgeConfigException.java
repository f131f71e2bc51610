package dev.roundtrip.edge.config;

/**
 * A load balancer configuration is wrong. The message is one line naming the key path, the value
 * and what is allowed, e.g. {@code clusters[0].policy: 'fastest' is not a policy (allowed:
 * round-robin, least-request, hash:header:NAME, hash:cookie:NAME)}.
 */
public final class EdgeConfigException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public EdgeConfigException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The key path, e.g. "clusters[0].health_check.interval". */
    public String field() {
        return field;
    }

    /** What is wrong, with the value and what is allowed. */
    public String problem() {
        return problem;
    }

    /** The same error under a longer path, e.g. the topology's "hosts[2].services[0].settings". */
    public EdgeConfigException under(String prefix) {
        return new EdgeConfigException(prefix.isEmpty() ? field : field.isEmpty() ? prefix : prefix + "." + field, problem);
    }
}
