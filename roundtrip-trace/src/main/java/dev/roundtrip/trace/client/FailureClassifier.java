package dev.roundtrip.trace.client;

import dev.roundtrip.core.resolve.ResolutionException;
import dev.roundtrip.core.timeline.PhaseKind;
import dev.roundtrip.trace.FailureClass;
import dev.roundtrip.trace.TraceException;
import dev.roundtrip.trace.tls.CertificateRejectedException;
import dev.roundtrip.trace.tls.CertificateVerdict;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Decides which {@link FailureClass} an exception from a given phase belongs to, and words the
 * one-line message the user sees. Pure: the I/O code catches, this decides.
 */
public final class FailureClassifier {
    private FailureClassifier() {}

    /** Classifies {@code error}, raised while the request was in {@code phase}; {@code target} names what was contacted. */
    public static TraceException classify(Throwable error, PhaseKind phase, String target) {
        Throwable e = unwrap(error);
        if (e instanceof TraceException t) {
            return t;
        }
        return switch (phase) {
            case DNS -> dns(e, target);
            case CONNECT -> connect(e, target);
            case TLS -> tls(e, target);
            case QUIC -> quic(e, target);
            case SEND, WAIT, RECEIVE -> http(e, phase, target);
        };
    }

    private static TraceException dns(Throwable e, String host) {
        if (e instanceof ResolutionException r) {
            FailureClass c = switch (r.reason()) {
                case NXDOMAIN -> FailureClass.DNS_NXDOMAIN;
                case NODATA -> FailureClass.DNS_NODATA;
                case SERVFAIL, REFUSED -> FailureClass.DNS_SERVFAIL;
                case TIMEOUT -> FailureClass.DNS_TIMEOUT;
                case OTHER -> FailureClass.DNS_OTHER;
            };
            return new TraceException(c, "DNS: " + r.getMessage(), r);
        }
        if (e instanceof TimeoutException) {
            return new TraceException(FailureClass.DNS_TIMEOUT, "DNS: " + host + ": no answer in time", e);
        }
        return new TraceException(FailureClass.DNS_OTHER, "DNS: " + host + ": " + message(e), e);
    }

    private static TraceException connect(Throwable e, String target) {
        if (e instanceof ConnectTimeoutException || e instanceof TimeoutException) {
            return new TraceException(FailureClass.CONNECT_TIMEOUT, "TCP connect to " + target + " timed out", e);
        }
        String m = message(e).toLowerCase(Locale.ROOT);
        if (e instanceof ConnectException && m.contains("refused")) {
            return new TraceException(FailureClass.CONNECT_REFUSED,
                    "TCP connect to " + target + ": connection refused (nothing listens there)", e);
        }
        if (e instanceof NoRouteToHostException || m.contains("unreachable")) {
            return new TraceException(FailureClass.CONNECT_OTHER, "TCP connect to " + target + ": no route (" + message(e) + ")", e);
        }
        return new TraceException(FailureClass.CONNECT_OTHER, "TCP connect to " + target + ": " + message(e), e);
    }

    private static TraceException tls(Throwable e, String target) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateRejectedException rejected) {
                FailureClass fc = switch (rejected.verdict()) {
                    case CertificateVerdict.Expired x -> FailureClass.TLS_EXPIRED;
                    case CertificateVerdict.NameMismatch x -> FailureClass.TLS_NAME_MISMATCH;
                    case CertificateVerdict.Untrusted x -> FailureClass.TLS_UNTRUSTED;
                    case CertificateVerdict.Trusted x -> FailureClass.TLS_HANDSHAKE;
                };
                return new TraceException(fc, "TLS with " + target + ": " + rejected.getMessage(), e);
            }
            if (c instanceof SslHandshakeTimeoutException) {
                return new TraceException(FailureClass.TLS_HANDSHAKE, "TLS with " + target + ": handshake timed out", e);
            }
        }
        return new TraceException(FailureClass.TLS_HANDSHAKE, "TLS with " + target + ": handshake failed (" + rootMessage(e) + ")", e);
    }

    /** A QUIC handshake failure: a rejected certificate is a TLS failure, silence a connect timeout, the rest a handshake failure. */
    private static TraceException quic(Throwable e, String target) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateRejectedException) {
                TraceException t = tls(e, target);
                return new TraceException(t.failureClass(), PhaseKind.QUIC, t.getMessage(), e);
            }
        }
        if (e instanceof TimeoutException || e instanceof ConnectTimeoutException) {
            return new TraceException(FailureClass.CONNECT_TIMEOUT, PhaseKind.QUIC, "QUIC handshake with " + target
                    + ": no answer in time (nothing serves HTTP/3 there, or UDP is blocked)", e);
        }
        return new TraceException(FailureClass.TLS_HANDSHAKE, PhaseKind.QUIC, "QUIC handshake with " + target + ": " + rootMessage(e), e);
    }

    private static TraceException http(Throwable e, PhaseKind phase, String target) {
        if (e instanceof TimeoutException) {
            return new TraceException(FailureClass.RESPONSE_TIMEOUT, phase, "HTTP from " + target + ": no complete response in time", e);
        }
        return new TraceException(FailureClass.HTTP_PROTOCOL, phase, "HTTP from " + target + ": " + rootMessage(e), e);
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return message(c);
    }
}
