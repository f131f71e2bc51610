package dev.roundtrip.edge;

/**
 * The answer to a live reload, for the log, {@code POST /reload} and tests.
 *
 * @param outcome what happened
 * @param generation the configuration generation serving after the attempt
 * @param message one line: what changed, or why nothing did (naming key, value and what is allowed)
 */
public record ReloadResult(Outcome outcome, long generation, String message) {
    /** What a reload attempt did. */
    public enum Outcome {
        /** The new configuration serves new requests. */
        APPLIED,
        /** The new configuration is invalid or could not be put in place; the old one keeps serving. */
        REJECTED,
        /** The balancer was started without a file to read again (the quick form). */
        NO_SOURCE
    }
}
