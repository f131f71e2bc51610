package dev.roundtrip.trace.tls;

import dev.roundtrip.trace.HttpVersion;
import dev.roundtrip.trace.TrustPolicy;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import javax.net.ssl.SSLException;

/**
 * Builds the tracing client's Netty {@link SslContext}: TLS 1.3 then 1.2, ALPN offering what
 * {@link HttpVersion} asks for, certificates judged by {@link VerifyingTrustManager} (which also
 * checks the host name, so the engine's own endpoint identification is off). BoringSSL when its
 * native library loads (it reports session resumption), the JDK's engine otherwise. One context
 * per tracer, so its client session cache lets later connections resume.
 */
public final class ClientTlsContexts {
    private ClientTlsContexts() {}

    public static SslContext create(TrustPolicy trust, HttpVersion http, Clock wallClock) {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(VerifyingTrustManager.of(trust, wallClock))
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            http.alpnOffer()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the client TLS context: " + e.getMessage(), e);
        }
    }
}
