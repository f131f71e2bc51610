package dev.roundtrip.trace;

import dev.roundtrip.core.timeline.PhaseKind;

/**
 * A traced request failed: which class of failure, in which phase, and a one-line message that
 * says what the user can check (the certificate's names, the resolver's answer, the address).
 */
public final class TraceException extends Exception {
    private final FailureClass failureClass;
    private final PhaseKind phase;

    public TraceException(FailureClass failureClass, PhaseKind phase, String message, Throwable cause) {
        super(message, cause);
        this.failureClass = failureClass;
        this.phase = phase;
    }

    public TraceException(FailureClass failureClass, String message, Throwable cause) {
        this(failureClass, failureClass.phase(), message, cause);
    }

    public FailureClass failureClass() {
        return failureClass;
    }

    public PhaseKind phase() {
        return phase;
    }
}
