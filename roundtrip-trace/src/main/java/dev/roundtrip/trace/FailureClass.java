package dev.roundtrip.trace;

import dev.roundtrip.core.timeline.PhaseKind;

/**
 * Why a traced request failed, one value per class of failure the user can act on, each with the
 * phase it belongs to and the process exit code {@code roundtrip trace} returns for it. The codes
 * are stable and printed by {@code roundtrip trace --help}; 0 is success (whatever the HTTP status),
 * 1 an unexpected error and 2 a usage error, as for every roundtrip command.
 */
public enum FailureClass {
    DNS_NXDOMAIN(PhaseKind.DNS, 10, "the name does not exist (NXDOMAIN)"),
    DNS_NODATA(PhaseKind.DNS, 11, "the name has no address records (NODATA)"),
    DNS_SERVFAIL(PhaseKind.DNS, 12, "the resolver could not answer (SERVFAIL or REFUSED)"),
    DNS_TIMEOUT(PhaseKind.DNS, 13, "no DNS answer in time"),
    DNS_OTHER(PhaseKind.DNS, 14, "name resolution failed"),
    CONNECT_REFUSED(PhaseKind.CONNECT, 20, "connection refused"),
    CONNECT_TIMEOUT(PhaseKind.CONNECT, 21, "TCP connect timed out"),
    CONNECT_OTHER(PhaseKind.CONNECT, 22, "TCP connect failed"),
    TLS_UNTRUSTED(PhaseKind.TLS, 30, "certificate not trusted"),
    TLS_EXPIRED(PhaseKind.TLS, 31, "certificate expired or not yet valid"),
    TLS_NAME_MISMATCH(PhaseKind.TLS, 32, "certificate does not name the host"),
    TLS_HANDSHAKE(PhaseKind.TLS, 33, "TLS handshake failed"),
    HTTP_PROTOCOL(PhaseKind.WAIT, 40, "HTTP protocol error"),
    RESPONSE_TIMEOUT(PhaseKind.WAIT, 41, "no complete response in time");

    private final PhaseKind phase;
    private final int exitCode;
    private final String summary;

    FailureClass(PhaseKind phase, int exitCode, String summary) {
        this.phase = phase;
        this.exitCode = exitCode;
        this.summary = summary;
    }

    /** The phase this class of failure normally happens in (HTTP errors may also strike in SEND or RECEIVE). */
    public PhaseKind phase() {
        return phase;
    }

    public int exitCode() {
        return exitCode;
    }

    /** What the failure means, for {@code --help} and messages. */
    public String summary() {
        return summary;
    }

    /** The stable lower-case name used in JSON, e.g. {@code tls-name-mismatch}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
