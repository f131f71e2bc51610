package dev.roundtrip.edge;

import dev.roundtrip.http.Transport;
import java.util.Optional;

/** A test class whose balancers run on {@link #transport()}: the platform's best, unless a subclass says otherwise. */
interface TransportUnderTest {
    default Optional<Transport> transport() {
        return Optional.empty();
    }
}
