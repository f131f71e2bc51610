package dev.roundtrip.edge;

import dev.roundtrip.http.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Mixed into a subclass of a {@link TransportUnderTest} test class: its tests run again with the
 * balancer on io_uring ({@code transport: io_uring}), each skipped, saying why, where the kernel or
 * the native library does not allow io_uring.
 */
interface OnIoUring extends TransportUnderTest {
    @Override
    default Optional<Transport> transport() {
        return Optional.of(Transport.IO_URING);
    }

    @BeforeEach
    default void ioUringWorksHere() {
        Assumptions.assumeTrue(Transport.IO_URING.isAvailable(), () -> "io_uring does not work here: " + Transport.IO_URING.unavailabilityCause());
    }
}
