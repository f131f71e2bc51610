package dev.roundtrip.edge;

import dev.roundtrip.http.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link ProxyTest} again with the balancer on io_uring ({@code transport: io_uring}):
 * the balancer's HTTP/1.1 proxying: headers, balancing, failure hiding, health. Skipped, saying why, where the kernel or the native library does not allow io_uring.
 */
class ProxyOnIoUringTest extends ProxyTest {
    @BeforeAll
    static void ioUringWorksHere() {
        Assumptions.assumeTrue(Transport.IO_URING.isAvailable(), () -> "io_uring does not work here: " + Transport.IO_URING.unavailabilityCause());
    }

    @Override
    Optional<Transport> transport() {
        return Optional.of(Transport.IO_URING);
    }
}
