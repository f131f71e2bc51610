package dev.roundtrip.edge;

import dev.roundtrip.http.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link TlsAndHttp2Test} again with the balancer on io_uring ({@code transport: io_uring}):
 * TLS, SNI, ALPN and HTTP/2 with curl and the JDK's client. Skipped, saying why, where the kernel or the native library does not allow io_uring.
 */
class TlsAndHttp2OnIoUringTest extends TlsAndHttp2Test {
    @BeforeAll
    static void ioUringWorksHere() {
        Assumptions.assumeTrue(Transport.IO_URING.isAvailable(), () -> "io_uring does not work here: " + Transport.IO_URING.unavailabilityCause());
    }

    @Override
    Optional<Transport> transport() {
        return Optional.of(Transport.IO_URING);
    }
}
