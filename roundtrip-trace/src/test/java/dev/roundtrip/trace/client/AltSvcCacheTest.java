package dev.roundtrip.trace.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.trace.client.AltSvcCache.Choice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tracing client learns from Alt-Svc, and how a broken alternative stays broken. */
class AltSvcCacheTest {
    private static final long S = 1_000_000_000L;
    private final AltSvcCache cache = new AltSvcCache();

    @Test
    void anAdvertisedH3PortIsChosenUntilItsMaxAgeRunsOut() {
        assertThat(cache.choose("api.test", 443, 0)).isEqualTo(new Choice.Tcp());
        cache.update("API.test", 443, List.of("h2=\":8443\", h3=\":4433\"; ma=60"), 0);

        assertThat(cache.choose("api.test", 443, 59 * S)).isEqualTo(new Choice.H3(4433));
        assertThat(cache.choose("api.test", 8443, 59 * S)).as("another origin").isEqualTo(new Choice.Tcp());
        assertThat(cache.choose("api.test", 443, 60 * S)).isEqualTo(new Choice.Tcp());
    }

    @Test
    void otherHostsMalformedValuesAndClearAreHandled() {
        cache.update("api.test", 443, List.of("h3=\"cdn.test:443\""), 0);
        assertThat(cache.choose("api.test", 443, 0)).isEqualTo(new Choice.Tcp());
        cache.update("api.test", 443, List.of("h3=:443", "h3=\":70000\"", "h3=\":443\"; ma=x"), 0);
        assertThat(cache.choose("api.test", 443, 0)).isEqualTo(new Choice.Tcp());
        cache.update("api.test", 443, List.of("h3=\":443\""), 0);
        assertThat(cache.choose("api.test", 443, 86_399 * S)).isEqualTo(new Choice.H3(443));
        cache.update("api.test", 443, List.of("clear"), 0);
        assertThat(cache.choose("api.test", 443, 0)).isEqualTo(new Choice.Tcp());
    }

    @Test
    void aBrokenAlternativeStaysBrokenWhenAdvertisedAgainButAnotherPortIsTried() {
        cache.update("api.test", 443, List.of("h3=\":4433\""), 0);
        cache.markBroken("api.test", 443, 4433, "QUIC handshake failed: no answer");

        assertThat(cache.choose("api.test", 443, S)).isEqualTo(new Choice.Broken(4433, "QUIC handshake failed: no answer"));
        cache.update("api.test", 443, List.of("h3=\":4433\"; ma=600"), 2 * S);
        assertThat(cache.choose("api.test", 443, 3 * S)).isInstanceOf(Choice.Broken.class);
        cache.update("api.test", 443, List.of("h3=\":5533\""), 4 * S);
        assertThat(cache.choose("api.test", 443, 5 * S)).isEqualTo(new Choice.H3(5533));
    }
}
