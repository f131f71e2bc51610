package dev.roundtrip.lab;

/**
 * Starting or running the lab failed at a named step (creating a namespace, a TUN device, configuring
 * addresses...); the message carries the step, the command and its output.
 */
public final class LabException extends Exception {
    private final String step;

    public LabException(String step, String message) {
        super(step + ": " + message);
        this.step = step;
    }

    public LabException(String step, String message, Throwable cause) {
        super(step + ": " + message, cause);
        this.step = step;
    }

    /** The step that failed, e.g. "create namespace rtlab-ab12-0". */
    public String step() {
        return step;
    }
}
