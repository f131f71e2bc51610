package dev.roundtrip.edge;

/** Every test of {@link ProxyTest} with the balancer on io_uring: the balancer's HTTP/1.1 proxying: headers, balancing, failure hiding, health. */
class ProxyOnIoUringTest extends ProxyTest implements OnIoUring {
}
