package dev.roundtrip.edge;

import dev.roundtrip.http.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link StreamingProxyTest} again with the balancer on io_uring ({@code transport: io_uring}):
 * streamed bodies, backpressure both ways and failures in the middle of a body. Skipped, saying why, where the kernel or the native library does not allow io_uring.
 */
class StreamingProxyOnIoUringTest extends StreamingProxyTest {
    @BeforeAll
    static void ioUringWorksHere() {
        Assumptions.assumeTrue(Transport.IO_URING.isAvailable(), () -> "io_uring does not work here: " + Transport.IO_URING.unavailabilityCause());
    }

    @Override
    Optional<Transport> transport() {
        return Optional.of(Transport.IO_URING);
    }
}
