package dev.roundtrip.tls;

import dev.roundtrip.core.state.StateDirectory;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * roundtrip's local certificate authority: an EC P-256 root kept in a directory ({@code ca.pem},
 * {@code ca-key.pem}), which issues leaf certificates for the servers it starts, so that curl,
 * browsers and roundtrip's own clients can verify them with {@code --cacert ca.pem}.
 *
 * <p>Thread-safe; creation of the root is guarded by a file lock, so several processes sharing the
 * state directory create it once.
 */
public final class LocalCa {
    /** The root certificate's file name inside the CA directory. */
    public static final String CERT_FILE = "ca.pem";
    /** The root key's file name inside the CA directory (owner-only permissions). */
    public static final String KEY_FILE = "ca-key.pem";

    private static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(397); // the CA/Browser Forum maximum
    private static final Duration BACKDATE = Duration.ofHours(1);      // tolerate small clock skew
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Map<List<String>, IssuedCertificate> issued = new ConcurrentHashMap<>();

    private LocalCa(Path dir, X509Certificate certificate, PrivateKey key) {
        this.dir = dir;
        this.certificate = certificate;
        this.key = key;
    }

    /** The per-user state directory for the CA: {@code $ROUNDTRIP_HOME/ca}, else {@code ~/.roundtrip/ca}. */
    public static Path defaultDir() {
        return StateDirectory.root().resolve("ca");
    }

    /** Whether {@code dir} already holds a CA. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(CERT_FILE)) && Files.isRegularFile(dir.resolve(KEY_FILE));
    }

    /**
     * Loads the CA in {@code dir}, creating a new root there first if there is none.
     *
     * @throws IllegalStateException naming the directory when it cannot be read or written
     */
    public static LocalCa loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!exists(dir)) {
                    create(dir);
                }
            }
            List<X509Certificate> certs = IssuedCertificate.readCertificates(dir.resolve(CERT_FILE));
            if (certs.isEmpty()) {
                throw new IllegalStateException(dir.resolve(CERT_FILE) + ": no certificate inside");
            }
            return new LocalCa(dir, certs.getFirst(), IssuedCertificate.readPrivateKey(dir.resolve(KEY_FILE)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot use CA directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path dir) throws IOException {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "roundtrip")
                .addRDN(BCStyle.CN, "roundtrip local CA")
                .build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(ROOT_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(builder, pair.getPrivate());
            // Key first: a certificate without its key would be a CA that cannot issue.
            IssuedCertificate.Pem.writeAtomically(dir.resolve(KEY_FILE), IssuedCertificate.Pem.encode(pair.getPrivate()), true);
            IssuedCertificate.Pem.writeAtomically(dir.resolve(CERT_FILE), IssuedCertificate.Pem.encode(cert), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the CA certificate", e);
        }
    }

    /** The directory the CA lives in. */
    public Path dir() {
        return dir;
    }

    /** The root certificate, to trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The root certificate's PEM file: what {@code curl --cacert} takes. */
    public Path certificatePem() {
        return dir.resolve(CERT_FILE);
    }

    /**
     * Issues (or returns the one already issued in this process for the same names) a leaf
     * certificate for servers: EC P-256, valid for DNS names and IP addresses in {@code names}, the
     * first of which is also its common name.
     *
     * @throws IllegalArgumentException if names is empty or a name is neither a DNS name nor an IP literal
     */
    public IssuedCertificate issue(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one DNS name or IP address");
        }
        List<String> normalized = names.stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).toList();
        return issued.computeIfAbsent(normalized, this::newLeaf);
    }

    /**
     * Issues a leaf certificate and writes it as {@code NAME.pem} (leaf then root) and
     * {@code NAME-key.pem} into {@code outDir}, named after the first name.
     *
     * @return the certificate file; the key file sits beside it
     */
    public Path issueToFiles(List<String> names, Path outDir) throws IOException {
        IssuedCertificate leaf = issue(names);
        String base = names.getFirst().strip().toLowerCase(Locale.ROOT).replace('*', '_').replace(':', '_');
        Path cert = outDir.resolve(base + ".pem");
        Path key = outDir.resolve(base + "-key.pem");
        new IssuedCertificate(leaf.key(), List.of(leaf.leaf(), certificate)).writePem(cert, key);
        return cert;
    }

    private IssuedCertificate newLeaf(List<String> names) {
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            sans.add(generalName(name));
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "roundtrip").addRDN(BCStyle.CN, names.getFirst()).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(LEAF_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(pair.getPrivate(), List.of(sign(builder, key)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + names, e);
        }
    }

    private static GeneralName generalName(String name) {
        boolean ipLiteral = name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (ipLiteral) {
            try {
                return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress());
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + name + "' is not an IP address", e);
            }
        }
        if (!name.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*\\.?")) {
            throw new IllegalArgumentException("'" + name + "' is neither a DNS name nor an IP address");
        }
        return new GeneralName(GeneralName.dNSName, name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
