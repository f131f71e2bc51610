package dev.roundtrip.trace.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 name matching: exact names, one left-most wildcard label, never across dots or at a public suffix. */
class HostnameMatcherTest {
    @ParameterizedTest
    @CsvSource({
            "api.example.com, api.example.com, true",
            "API.Example.com., api.example.com, true",
            "*.example.com, api.example.com, true",
            "*.example.com, a.b.example.com, false",
            "*.example.com, example.com, false",
            "*.com, example.com, false",
            "api.*.com, api.example.com, false",
            "api.example.com, www.example.com, false",
            "xn--bcher-kva.example, xn--bcher-kva.example, true"})
    void dnsNames(String pattern, String host, boolean matches) {
        assertThat(HostnameMatcher.dnsMatches(pattern, host)).isEqualTo(matches);
    }
}
