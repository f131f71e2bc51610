package dev.roundtrip.edge;

import dev.roundtrip.edge.config.TlsConfig;
import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the certificates of a listener's {@link TlsConfig} once, in its order (PEM files, or
 * issued by the local CA), so its TCP (h1/h2) and QUIC (h3) sides present the very same ones.
 */
public final class ListenerCertificates {
    private ListenerCertificates() {}

    /** One certificate per {@link TlsConfig#certificates()} entry, same order. */
    public static List<IssuedCertificate> load(TlsConfig tls) {
        LocalCa ca = null;
        List<IssuedCertificate> out = new ArrayList<>();
        for (TlsConfig.Certificate c : tls.certificates()) {
            if (c.certFile().isPresent()) {
                out.add(IssuedCertificate.fromPem(c.certFile().get(), c.keyFile().orElseThrow()));
            } else {
                if (ca == null) {
                    ca = LocalCa.loadOrCreate(tls.caDir().orElse(LocalCa.defaultDir()));
                }
                out.add(ca.issue(c.names()));
            }
        }
        return out;
    }
}
