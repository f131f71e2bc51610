package dev.roundtrip.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.core.net.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AppConfigTest {
    private static final InetSocketAddress LISTEN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void defaultsAreValid() {
        AppConfig c = AppConfig.of(Network.embedded(), LISTEN, "app-1", "jdbc:h2:mem:x");
        assertThat(c.poolSize()).isEqualTo(AppConfig.DEFAULT_POOL_SIZE);
        assertThat(c.limits()).isEqualTo(AppConfig.Limits.DEFAULTS);
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> AppConfig.of(Network.embedded(), LISTEN, "app 1", "jdbc:h2:mem:x"))
                .hasMessage("name: 'app 1' must be 1 to 63 letters, digits, '.', '_' or '-'");
        assertThatThrownBy(() -> AppConfig.of(Network.embedded(), LISTEN, "a", "jdbc:sqlite:x")).hasMessageContaining("jdbc:postgresql");
        assertThatThrownBy(() -> AppConfig.of(Network.embedded(), LISTEN, "a", "jdbc:h2:mem:x").withPoolSize(0))
                .hasMessage("poolSize: 0 is outside 1 to 256");
        assertThatThrownBy(() -> AppConfig.Limits.DEFAULTS.withMaxBodyBytes(1)).hasMessage("maxBodyBytes: 1 is outside 64 to 16777216");
        assertThatThrownBy(() -> new AppConfig.Limits(1024, 1024, 1024, 10, 1, 10, 50, 20, Duration.ofSeconds(1), Duration.ofSeconds(60), 100))
                .hasMessage("defaultPageSize: 50 is outside 1 to 20");
        assertThatThrownBy(() -> new AppConfig.Limits(1024, 1024, 1024, 10, 1, 10, 5, 20, Duration.ofMillis(10), Duration.ofSeconds(60), 100))
                .hasMessage("poolTimeout: 10 ms is outside 250 ms to 10 min");
    }
}
