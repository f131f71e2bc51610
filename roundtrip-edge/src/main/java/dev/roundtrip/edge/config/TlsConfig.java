package dev.roundtrip.edge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS termination on a listener: certificates chosen by SNI (the first one is the default for
 * clients that send no or an unknown name). TLS 1.3 and 1.2 are offered.
 *
 * @param certificates at least one
 * @param caDir the local CA that issues certificates without files, empty for the default
 *     ({@code ~/.roundtrip/ca} or {@code $ROUNDTRIP_HOME/ca})
 */
public record TlsConfig(List<Certificate> certificates, Optional<Path> caDir) {

    /**
     * One certificate and the names it serves.
     *
     * @param names DNS names (wildcards like {@code *.example.com} allowed) and IP addresses
     * @param certFile PEM certificate chain; empty means "issue one from the local CA for names"
     * @param keyFile PEM private key, present exactly when certFile is
     */
    public record Certificate(List<String> names, Optional<Path> certFile, Optional<Path> keyFile) {
        public Certificate {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new EdgeConfigException("names", "is empty (a certificate needs at least one DNS name or IP address)");
            }
            if (certFile.isPresent() != keyFile.isPresent()) {
                throw new EdgeConfigException(certFile.isPresent() ? "key" : "cert",
                        "is missing (cert and key come together; leave both out to use the local CA)");
            }
        }
    }

    public TlsConfig {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new EdgeConfigException("certificates", "is empty (at least one certificate is needed)");
        }
    }
}
