package dev.roundtrip.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LabAddressesTest {

    @ParameterizedTest
    @CsvSource({
            "198.18.0.0, true", "198.19.255.255, true", "198.18.1.10, true",
            "198.17.255.255, false", "198.20.0.0, false", "10.0.0.1, false", "127.0.0.1, false",
            "2001:db8::, true", "2001:db8:ffff::1, true", "2001:db9::1, false", "::1, false", "fe80::1, false"})
    void onlyTheBenchmarkAndDocumentationRangesAreLab(String address, boolean lab) {
        assertThat(LabAddresses.isLab(LabAddresses.parseLiteral(address))).isEqualTo(lab);
    }

    @Test
    void parsingNeverLooksUpNames() {
        assertThatThrownBy(() -> LabAddresses.parseLiteral("example.com")).hasMessage("'example.com' is not an IP address literal");
        assertThatThrownBy(() -> LabAddresses.parseLiteral("198.18.1")).hasMessageContaining("is not an IPv4 address");
        assertThat(LabAddresses.parseLiteral("[2001:db8::1]").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void hostPortParsesAndPrintsBothFamilies() {
        assertThat(HostPort.format(HostPort.parse("198.18.0.53:53"))).isEqualTo("198.18.0.53:53");
        assertThat(HostPort.parse("[2001:db8::1]:443").getPort()).isEqualTo(443);
        assertThat(HostPort.parse("127.0.0.1", 53).getPort()).isEqualTo(53);
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).hasMessageContaining("expected ADDR:PORT");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:99999")).hasMessageContaining("outside 0-65535");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:http")).hasMessageContaining("port 'http' is not a number");
    }
}
