package dev.roundtrip.trace.tls;

import dev.roundtrip.core.timeline.TlsInfo;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads what a finished TLS handshake settled on (version, cipher, ALPN, the server's certificate,
 * resumption) into core's {@link TlsInfo}. Called on the event loop right after
 * {@code SslHandshakeCompletionEvent.SUCCESS}.
 */
public final class TlsInfoReader {
    private TlsInfoReader() {}

    public static TlsInfo read(SslHandler handler) {
        SSLEngine engine = handler.engine();
        return read(engine, handler.applicationProtocol(), resumed(engine));
    }

    /**
     * The facts of a finished handshake on {@code engine} (a TCP connection's or a QUIC
     * connection's), with the ALPN protocol and resumption as its owner knows them.
     */
    public static TlsInfo read(SSLEngine engine, String alpn, boolean resumed) {
        SSLSession session = engine.getSession();
        String subject = "";
        String issuer = "";
        List<String> names = List.of();
        Instant notAfter = Instant.EPOCH;
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                subject = leaf.getSubjectX500Principal().getName();
                issuer = leaf.getIssuerX500Principal().getName();
                names = HostnameMatcher.names(leaf);
                notAfter = leaf.getNotAfter().toInstant();
            }
        } catch (SSLPeerUnverifiedException e) {
            // an anonymous session: no certificate to describe
        }
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn,
                subject, issuer, names, notAfter, resumed);
    }

    /** BoringSSL says whether it resumed; the JDK's engine does not expose it, so it reads as false. */
    private static boolean resumed(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openssl) {
            synchronized (openssl) {
                long ssl = openssl.sslPointer();
                return ssl != 0 && SSL.isSessionReused(ssl);
            }
        }
        return false;
    }
}
