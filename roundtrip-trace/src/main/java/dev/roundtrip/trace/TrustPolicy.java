package dev.roundtrip.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Which server certificates the tracing client accepts: the roots it trusts, or nothing checked
 * at all behind an explicit {@code --insecure}.
 */
public sealed interface TrustPolicy {

    /** The JDK's system roots plus {@code extra} (e.g. roundtrip's local CA when it exists). */
    record SystemRoots(List<X509Certificate> extra) implements TrustPolicy {
        public SystemRoots {
            extra = List.copyOf(extra);
        }
    }

    /** Only these roots, as curl's {@code --cacert} does. */
    record Roots(List<X509Certificate> roots) implements TrustPolicy {
        public Roots {
            roots = List.copyOf(roots);
            if (roots.isEmpty()) {
                throw new IllegalArgumentException("a trust policy of explicit roots needs at least one certificate");
            }
        }
    }

    /** Accept any certificate (still recorded and shown); only behind {@code --insecure}. */
    record Insecure() implements TrustPolicy {}

    static TrustPolicy system() {
        return new SystemRoots(List.of());
    }

    static TrustPolicy roots(List<X509Certificate> roots) {
        return new Roots(roots);
    }

    static TrustPolicy insecure() {
        return new Insecure();
    }

    /**
     * Reads every certificate of a PEM (or DER) file, as {@code --cacert FILE} names it.
     *
     * @throws IllegalArgumentException naming the file when it is unreadable or holds no certificate
     */
    static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no certificate found (expected PEM 'BEGIN CERTIFICATE' blocks)");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a certificate file (" + e.getMessage() + ")", e);
        }
    }
}
