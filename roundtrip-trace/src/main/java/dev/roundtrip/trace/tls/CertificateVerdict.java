package dev.roundtrip.trace.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What the client concluded about a server's certificate chain, with what the user needs to fix
 * it: the certificate's names, its validity dates, its issuer.
 */
public sealed interface CertificateVerdict {

    /** The one-line explanation shown to the user. */
    String message();

    record Trusted() implements CertificateVerdict {
        @Override
        public String message() {
            return "certificate trusted";
        }
    }

    /** No trusted root vouches for the chain. */
    record Untrusted(String subject, String issuer, List<String> names, String detail) implements CertificateVerdict {
        public Untrusted {
            names = List.copyOf(names);
        }

        @Override
        public String message() {
            return "certificate " + subject + " " + namesText(names) + " issued by " + issuer + " is not trusted (" + detail + ")";
        }
    }

    /** A certificate of the chain is outside its validity period at {@code now}. */
    record Expired(String subject, List<String> names, Instant notBefore, Instant notAfter, Instant now) implements CertificateVerdict {
        public Expired {
            names = List.copyOf(names);
        }

        @Override
        public String message() {
            return now.isBefore(notBefore)
                    ? "certificate " + subject + " " + namesText(names) + " is not valid before " + notBefore + " (now " + now + ")"
                    : "certificate " + subject + " " + namesText(names) + " expired at " + notAfter + " (now " + now + ")";
        }
    }

    /** The chain is trusted but does not name the host asked for. */
    record NameMismatch(String host, List<String> names) implements CertificateVerdict {
        public NameMismatch {
            names = List.copyOf(names);
        }

        @Override
        public String message() {
            return "certificate is not valid for " + host + ": it names "
                    + (names.isEmpty() ? "no DNS or IP subject alternative name" : String.join(", ", names));
        }
    }

    /**
     * Classifies a chain that the PKIX check rejected: a certificate outside its validity period is
     * the more useful explanation, otherwise the chain is untrusted.
     */
    static CertificateVerdict rejected(X509Certificate[] chain, Instant now, String detail) {
        for (X509Certificate c : chain) {
            Instant notBefore = c.getNotBefore().toInstant();
            Instant notAfter = c.getNotAfter().toInstant();
            if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
                return new Expired(c.getSubjectX500Principal().getName(), HostnameMatcher.names(c), notBefore, notAfter, now);
            }
        }
        X509Certificate leaf = chain[0];
        return new Untrusted(leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                HostnameMatcher.names(leaf), detail);
    }

    private static String namesText(List<String> names) {
        return names.isEmpty() ? "(no subject alternative names)" : "(names " + String.join(", ", names) + ")";
    }
}
