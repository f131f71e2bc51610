package dev.roundtrip.core.service;

/**
 * A service's health at one moment.
 *
 * @param status where it is in its life
 * @param detail a short human-readable reason, empty when there is nothing to add
 */
public record Health(Status status, String detail) {
    public enum Status { STARTING, SERVING, DEGRADED, STOPPING, STOPPED, FAILED }

    public static Health serving() {
        return new Health(Status.SERVING, "");
    }

    public static Health of(Status status) {
        return new Health(status, "");
    }

    public boolean isServing() {
        return status == Status.SERVING || status == Status.DEGRADED;
    }
}
