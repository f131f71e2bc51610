package dev.roundtrip.core.timeline;

import java.time.Instant;
import java.util.List;

/**
 * What a TLS handshake settled on.
 *
 * @param version e.g. "TLSv1.3"
 * @param cipherSuite e.g. "TLS_AES_128_GCM_SHA256"
 * @param alpn the negotiated application protocol ("h2", "http/1.1"), empty when none
 * @param peerSubject the server certificate's subject
 * @param peerIssuer its issuer
 * @param peerNames its DNS and IP subject alternative names
 * @param peerNotAfter its expiry
 * @param resumed whether the session was resumed (no full handshake)
 */
public record TlsInfo(String version, String cipherSuite, String alpn, String peerSubject, String peerIssuer,
                      List<String> peerNames, Instant peerNotAfter, boolean resumed) {}
