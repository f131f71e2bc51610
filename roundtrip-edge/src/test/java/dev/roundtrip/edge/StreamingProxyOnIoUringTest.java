package dev.roundtrip.edge;

/** Every test of {@link StreamingProxyTest} with the balancer on io_uring: streamed bodies, backpressure both ways and failures in the middle of a body. */
class StreamingProxyOnIoUringTest extends StreamingProxyTest implements OnIoUring {
}
