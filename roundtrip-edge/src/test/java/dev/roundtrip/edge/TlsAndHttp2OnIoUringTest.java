package dev.roundtrip.edge;

/** Every test of {@link TlsAndHttp2Test} with the balancer on io_uring: TLS, SNI, ALPN and HTTP/2 with curl and the JDK's client. */
class TlsAndHttp2OnIoUringTest extends TlsAndHttp2Test implements OnIoUring {
}
