package dev.roundtrip.trace.tls;

import java.security.cert.CertificateException;

/** The client refused the server's certificate; {@link #verdict()} says why, naming the certificate. */
public final class CertificateRejectedException extends CertificateException {
    private final transient CertificateVerdict verdict;

    public CertificateRejectedException(CertificateVerdict verdict, Throwable cause) {
        super(verdict.message(), cause);
        this.verdict = verdict;
    }

    public CertificateVerdict verdict() {
        return verdict;
    }
}
