package dev.roundtrip.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A private key and its certificate chain (leaf first), as a server or a mutual-TLS client presents
 * them. Comes from {@link LocalCa#issue} or from PEM files the user supplies.
 *
 * @param key the leaf's private key
 * @param chain the leaf certificate, then any intermediates (the root is not needed)
 */
public record IssuedCertificate(PrivateKey key, List<X509Certificate> chain) {
    public IssuedCertificate {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
        }
    }

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /**
     * Reads a certificate chain and a private key (PKCS#8, or traditional EC/RSA) from PEM files.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static IssuedCertificate fromPem(Path certPem, Path keyPem) {
        List<X509Certificate> chain = readCertificates(certPem);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certPem + ": no CERTIFICATE block found");
        }
        return new IssuedCertificate(readPrivateKey(keyPem), chain);
    }

    /** Writes the chain to {@code certPem} and the key to {@code keyPem} (owner-only permissions). */
    public void writePem(Path certPem, Path keyPem) throws IOException {
        Pem.writeAtomically(certPem, Pem.encode(chain.toArray()), false);
        Pem.writeAtomically(keyPem, Pem.encode(key), true);
    }

    /** Reads every certificate in a PEM file. */
    public static List<X509Certificate> readCertificates(Path pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(pem + ": file not found");
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(pem + ": not a PEM certificate file (" + e.getMessage() + ")", e);
        }
        return out;
    }

    static PrivateKey readPrivateKey(Path pem) {
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
            throw new IllegalArgumentException(pem + ": no unencrypted PRIVATE KEY block found");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(pem + ": file not found");
        } catch (IOException e) {
            throw new IllegalArgumentException(pem + ": not a PEM private key file (" + e.getMessage() + ")", e);
        }
    }

    /** PEM encoding and crash-safe writing. */
    static final class Pem {
        private Pem() {}

        static String encode(Object... objects) {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                for (Object o : objects) {
                    if (o instanceof PrivateKey key) {
                        writer.writeObject(new JcaPKCS8Generator(key, null)); // "PRIVATE KEY": what every tool reads
                    } else {
                        writer.writeObject(o);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("PEM encoding failed", e);
            }
            return out.toString();
        }

        /** Writes via a temporary file and an atomic rename, so a crash never leaves half a key. */
        static void writeAtomically(Path target, String content, boolean secret) throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                if (secret) {
                    try {
                        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Not a POSIX file system: the directory's permissions are all we have.
                    }
                }
                Files.writeString(tmp, content, StandardCharsets.US_ASCII);
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
