package dev.roundtrip.core.resolve;

/** A name could not be resolved; {@link #reason()} says why in DNS terms. */
public final class ResolutionException extends Exception {

    public enum Reason {
        /** The name does not exist (RCODE 3). */
        NXDOMAIN,
        /** The name exists but has no address records. */
        NODATA,
        /** The resolver could not find an answer (RCODE 2). */
        SERVFAIL,
        /** The server refused the query (RCODE 5). */
        REFUSED,
        /** No answer in time. */
        TIMEOUT,
        /** Anything else: unreachable resolver, malformed answer. */
        OTHER
    }

    private final String host;
    private final Reason reason;

    public ResolutionException(String host, Reason reason, String detail) {
        this(host, reason, detail, null);
    }

    public ResolutionException(String host, Reason reason, String detail, Throwable cause) {
        super(host + ": " + reason + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), cause);
        this.host = host;
        this.reason = reason;
    }

    public String host() {
        return host;
    }

    public Reason reason() {
        return reason;
    }
}
