package dev.roundtrip.dns.zone;

/** A zone could not be loaded or is not a valid zone; the message names the zone, the file and the defect. */
public final class ZoneException extends RuntimeException {
    public ZoneException(String message) {
        super(message);
    }

    public ZoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
