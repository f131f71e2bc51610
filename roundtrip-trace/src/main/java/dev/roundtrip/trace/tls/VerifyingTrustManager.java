package dev.roundtrip.trace.tls;

import dev.roundtrip.trace.TrustPolicy;
import java.net.Socket;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The tracing client's certificate check, run inside the TLS handshake: first the chain against
 * the trusted roots (the JDK's PKIX validation), then the host name against the certificate's
 * names ({@link HostnameMatcher}). A rejection throws {@link CertificateRejectedException} whose
 * verdict says which of the three failures it was (untrusted, expired, name mismatch), so the
 * user sees the certificate's names rather than a bare "handshake failed".
 *
 * <p>The decision ({@link #verdict}) is a pure function of the chain, the host and the time.
 * With {@link TrustPolicy.Insecure} every chain is accepted and nothing else changes.
 */
public final class VerifyingTrustManager extends X509ExtendedTrustManager {
    private final List<X509TrustManager> roots;
    private final boolean insecure;
    private final Clock wallClock;

    private VerifyingTrustManager(List<X509TrustManager> roots, boolean insecure, Clock wallClock) {
        this.roots = List.copyOf(roots);
        this.insecure = insecure;
        this.wallClock = wallClock;
    }

    /** A trust manager for {@code policy}, judging validity dates by {@code wallClock}. */
    public static VerifyingTrustManager of(TrustPolicy policy, Clock wallClock) {
        return switch (policy) {
            case TrustPolicy.Insecure i -> new VerifyingTrustManager(List.of(), true, wallClock);
            case TrustPolicy.Roots r -> new VerifyingTrustManager(List.of(pkix(r.roots())), false, wallClock);
            case TrustPolicy.SystemRoots s -> {
                List<X509TrustManager> tms = new ArrayList<>();
                tms.add(pkix(null));
                if (!s.extra().isEmpty()) {
                    tms.add(pkix(s.extra()));
                }
                yield new VerifyingTrustManager(tms, false, wallClock);
            }
        };
    }

    /** Judges {@code chain} (leaf first) for {@code host}; never throws. */
    public CertificateVerdict verdict(X509Certificate[] chain, String authType, String host) {
        if (chain == null || chain.length == 0) {
            return new CertificateVerdict.Untrusted("(none)", "(none)", List.of(), "the server sent no certificate");
        }
        if (insecure) {
            return new CertificateVerdict.Trusted();
        }
        CertificateException last = null;
        boolean trusted = false;
        for (X509TrustManager tm : roots) {
            try {
                tm.checkServerTrusted(chain, authType == null || authType.isEmpty() ? "UNKNOWN" : authType);
                trusted = true;
                break;
            } catch (CertificateException | RuntimeException e) {
                last = e instanceof CertificateException ce ? ce : new CertificateException(e);
            }
        }
        if (!trusted) {
            return CertificateVerdict.rejected(chain, wallClock.instant(), rootCause(last));
        }
        if (host == null || host.isEmpty()) {
            return new CertificateVerdict.NameMismatch("(no host name given)", HostnameMatcher.names(chain[0]));
        }
        if (!HostnameMatcher.matches(chain[0], host)) {
            return new CertificateVerdict.NameMismatch(host, HostnameMatcher.names(chain[0]));
        }
        return new CertificateVerdict.Trusted();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        enforce(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        String host = socket == null || socket.getInetAddress() == null ? null : socket.getInetAddress().getHostName();
        enforce(chain, authType, host);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        enforce(chain, authType, null);
    }

    private void enforce(X509Certificate[] chain, String authType, String host) throws CertificateException {
        CertificateVerdict verdict = verdict(chain, authType, host);
        if (!(verdict instanceof CertificateVerdict.Trusted)) {
            throw new CertificateRejectedException(verdict, null);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the tracing client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the tracing client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the tracing client does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>();
        for (X509TrustManager tm : roots) {
            all.addAll(List.of(tm.getAcceptedIssuers()));
        }
        return all.toArray(X509Certificate[]::new);
    }

    /** The JDK's PKIX trust manager over {@code anchors}, or over the system roots when null. */
    private static X509TrustManager pkix(List<X509Certificate> anchors) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    ks.setCertificateEntry("root-" + i, anchors.get(i));
                }
                tmf.init(ks);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509TrustManager");
        } catch (NoSuchAlgorithmException | KeyStoreException | java.io.IOException | CertificateException e) {
            throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
        }
    }

    private static String rootCause(Throwable t) {
        if (t == null) {
            return "no trusted root";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.contains("unable to find valid certification path") ? "no trusted root issued it" : m;
    }
}
