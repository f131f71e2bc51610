package dev.roundtrip.trace.testing;

import dev.roundtrip.tls.IssuedCertificate;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A second, throw-away certificate authority for the tests that need what roundtrip's
 * {@code LocalCa} rightly refuses to make: a leaf whose validity ended yesterday.
 */
public final class TestPki {
    private final KeyPair rootKey;
    private final X509Certificate root;

    public TestPki(String name) {
        try {
            rootKey = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)), subject, rootKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            root = sign(b, rootKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate root() {
        return root;
    }

    /** A leaf for {@code names} valid from {@code notBefore} to {@code notAfter}. */
    public IssuedCertificate leaf(List<String> names, Instant notBefore, Instant notAfter) {
        try {
            KeyPair pair = keyPair();
            GeneralName[] sans = names.stream().map(n -> Character.isDigit(n.charAt(0)) || n.contains(":")
                    ? new GeneralName(GeneralName.iPAddress, ip(n)) : new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(root.getSubjectX500Principal().getName()),
                    BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + names.getFirst()), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            return new IssuedCertificate(pair.getPrivate(), List.of(sign(b, rootKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ip(String n) {
        try {
            return InetAddress.getByName(n).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(n, e);
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
