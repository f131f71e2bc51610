package dev.roundtrip.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {

    @TempDir
    Path dir;

    @Test
    void createsRootOnceAndReloadsTheSameOne() throws Exception {
        LocalCa first = LocalCa.loadOrCreate(dir);
        LocalCa second = LocalCa.loadOrCreate(dir);

        assertThat(second.certificate()).isEqualTo(first.certificate());
        X509Certificate root = first.certificate();
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(root.getSubjectX500Principal().getName()).contains("CN=roundtrip local CA");
        assertThat(Files.readString(first.certificatePem())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.getPosixFilePermissions(dir.resolve(LocalCa.KEY_FILE)).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void issuesLeafWithDnsAndIpNamesSignedByTheRoot() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        IssuedCertificate leaf = ca.issue(List.of("api.example.com", "127.0.0.1", "2001:db8::1"));

        X509Certificate cert = leaf.leaf();
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames()).extracting(san -> san.get(1).toString())
                .containsExactlyInAnyOrder("api.example.com", "127.0.0.1", "2001:db8:0:0:0:0:0:1");
        assertThat(ca.issue(List.of("API.example.com", "127.0.0.1", "2001:db8::1"))).isSameAs(leaf);
    }

    @Test
    void writesLeafFilesThatReadBack() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        Path cert = ca.issueToFiles(List.of("www.example.com"), dir.resolve("out"));

        IssuedCertificate read = IssuedCertificate.fromPem(cert, dir.resolve("out/www.example.com-key.pem"));
        assertThat(read.chain()).hasSize(2);
        assertThat(read.leaf()).isEqualTo(ca.issue(List.of("www.example.com")).leaf());
    }

    @Test
    void rejectsWhatIsNotANameAndMissingFiles() {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        assertThatThrownBy(() -> ca.issue(List.of()))
                .hasMessageContaining("at least one DNS name or IP address");
        assertThatThrownBy(() -> ca.issue(List.of("bad name!")))
                .hasMessageContaining("'bad name!' is neither a DNS name nor an IP address");
        assertThatThrownBy(() -> IssuedCertificate.fromPem(dir.resolve("nope.pem"), dir.resolve("nope-key.pem")))
                .hasMessageContaining("nope.pem: file not found");
    }
}
