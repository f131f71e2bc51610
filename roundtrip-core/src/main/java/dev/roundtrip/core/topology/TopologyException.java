package dev.roundtrip.core.topology;

/**
 * A topology file is wrong. The message is one line: where (file and field path), the value, and
 * what is allowed, e.g. {@code topo.yaml: hosts[1].address: '10.0.0.1' is not a lab address
 * (allowed: 198.18.0.0/15 or 2001:db8::/32)}.
 */
public final class TopologyException extends RuntimeException {
    private final String field;
    private final String problem;

    /**
     * @param source the file (or resource) name, empty when unknown
     * @param field the field path, e.g. "hosts[1].address"; empty for whole-file errors
     * @param problem what is wrong, including the value and what is allowed
     */
    public TopologyException(String source, String field, String problem) {
        super((source.isEmpty() ? "" : source + ": ") + (field.isEmpty() ? "" : field + ": ") + problem);
        this.field = field;
        this.problem = problem;
    }

    /** What is wrong, without the source and field. */
    public String problem() {
        return problem;
    }

    /** The field path the error is about, e.g. "hosts[1].address"; empty for whole-file errors. */
    public String field() {
        return field;
    }
}
