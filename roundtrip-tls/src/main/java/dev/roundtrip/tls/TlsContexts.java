package dev.roundtrip.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The SSL contexts every roundtrip server and client uses, built one way: TLS 1.3 preferred, 1.2
 * allowed, ALPN where HTTP needs it, hostname verification on for clients, BoringSSL when its
 * native library loads (it handshakes several times faster on a cold JVM), the JDK otherwise.
 */
public final class TlsContexts {
    /** The protocol versions roundtrip speaks, best first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** ALPN for HTTP servers: HTTP/2 first, then HTTP/1.1. */
    public static final List<String> HTTP_ALPN = List.of("h2", "http/1.1");

    private TlsContexts() {}

    /** A server context presenting {@code certificate}, offering h2 and http/1.1 by ALPN. */
    public static SslContext nettyServer(IssuedCertificate certificate) {
        return nettyServer(certificate, HTTP_ALPN);
    }

    /** A server context presenting {@code certificate}, offering {@code alpn} (none when empty). */
    public static SslContext nettyServer(IssuedCertificate certificate, List<String> alpn) {
        return build(SslContextBuilder.forServer(certificate.key(), certificate.chain()), alpn);
    }

    /** A server context that also requires a client certificate signed by one of {@code clientTrust}. */
    public static SslContext nettyServerMutual(IssuedCertificate certificate, List<X509Certificate> clientTrust, List<String> alpn) {
        return build(SslContextBuilder.forServer(certificate.key(), certificate.chain())
                .trustManager(clientTrust)
                .clientAuth(ClientAuth.REQUIRE), alpn);
    }

    /**
     * A client context trusting only {@code trust}, verifying the server's name (use
     * {@code ctx.newHandler(alloc, host, port)} so SNI and verification see the host).
     */
    public static SslContext nettyClient(List<X509Certificate> trust, List<String> alpn) {
        return build(SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS"), alpn);
    }

    /** A client context that presents {@code certificate} for mutual TLS. */
    public static SslContext nettyClientMutual(List<X509Certificate> trust, IssuedCertificate certificate, List<String> alpn) {
        return build(SslContextBuilder.forClient().trustManager(trust).keyManager(certificate.key(), certificate.chain())
                .endpointIdentificationAlgorithm("HTTPS"), alpn);
    }

    /** A client context that trusts any certificate: only behind an explicit {@code --insecure}. */
    public static SslContext nettyClientInsecure(List<String> alpn) {
        return build(SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null), alpn);
    }

    /** A JDK client context trusting only {@code trust} (for JDK HttpClient, HttpsURLConnection). */
    public static SSLContext jdkClient(List<X509Certificate> trust) {
        return jdk(null, trust);
    }

    /** A JDK server context presenting {@code certificate}. */
    public static SSLContext jdkServer(IssuedCertificate certificate) {
        return jdk(certificate, List.of());
    }

    /** A JDK context presenting {@code certificate} (may be null) and trusting {@code trust}. */
    public static SSLContext jdk(IssuedCertificate certificate, List<X509Certificate> trust) {
        try {
            KeyManagerFactory kmf = null;
            if (certificate != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("key", certificate.key(), new char[0], certificate.chain().toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            TrustManagerFactory tmf = null;
            if (!trust.isEmpty()) {
                KeyStore roots = KeyStore.getInstance("PKCS12");
                roots.load(null, null);
                for (int i = 0; i < trust.size(); i++) {
                    roots.setCertificateEntry("root-" + i, trust.get(i));
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(roots);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a JDK SSL context: " + e.getMessage(), e);
        }
    }

    /** The provider in use: "BoringSSL" when the native library loaded, "JDK" otherwise. */
    public static String providerName() {
        return OpenSsl.isAvailable() ? "BoringSSL" : "JDK";
    }

    private static SslContext build(SslContextBuilder builder, List<String> alpn) {
        builder.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).protocols(PROTOCOLS);
        if (!alpn.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    alpn));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build an SSL context: " + e.getMessage(), e);
        }
    }
}
