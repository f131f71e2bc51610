package dev.roundtrip.core.service;

import java.net.BindException;

/** A service could not start; the message names the service and the reason in one line. */
public final class ServiceStartException extends RuntimeException {
    private final String serviceName;

    public ServiceStartException(String serviceName, String reason, Throwable cause) {
        super(serviceName + ": " + reason, cause);
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }

    /** A one-line reason for a start failure, translating the usual suspects. */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        // The JDK throws BindException; Netty's native transports throw their own IOException.
        if (cause instanceof BindException || message != null && message.contains("Address already in use")) {
            return "address already in use or not available (" + message + ")";
        }
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
