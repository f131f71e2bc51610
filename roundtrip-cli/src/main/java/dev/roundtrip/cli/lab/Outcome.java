package dev.roundtrip.cli.lab;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/** What a client saw for one request of the failover experiment. */
enum Outcome {
    /** A complete 2xx response. */
    OK("ok"),
    /** The connection was reset (RST) under the request: the TCP-level face of a crash. */
    RESET("reset"),
    /** The connection was closed (FIN) before a complete response. */
    CLOSED("closed"),
    /** No complete response within the read timeout. */
    TIMEOUT("timeout"),
    /** The balancer refused the connection. */
    REFUSED("refused"),
    /** A complete response with a 5xx status (the balancer's 502/503/504). */
    HTTP_5XX("5xx"),
    /** A complete response with another non-2xx status, or an I/O error of another kind. */
    OTHER("other");

    final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The outcome of a request that failed with {@code e} (a pure classification of the exception). */
    static Outcome of(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof ConnectException) {
            return REFUSED;
        }
        if (m.contains("reset") || m.contains("broken pipe")) {
            return RESET; // a write into a reset connection reports a broken pipe
        }
        if (e instanceof EOFException) {
            return CLOSED;
        }
        return OTHER;
    }

    /** The outcome of a complete response with {@code status}. */
    static Outcome ofStatus(int status) {
        return status >= 200 && status < 300 ? OK : status >= 500 ? HTTP_5XX : OTHER;
    }
}
