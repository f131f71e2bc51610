package dev.roundtrip.app.api;

/**
 * How busy one app server is right now, next to its bounds: shown by {@code /healthz} and read by
 * whatever displays the server ({@code roundtrip up}). Reads are cheap and thread-safe.
 */
public interface ServerLoad {
    ServerLoad NONE = new ServerLoad() {
        @Override
        public int connections() {
            return 0;
        }

        @Override
        public int requestsInFlight() {
            return 0;
        }
    };

    /** Client connections open now. */
    int connections();

    /** Requests being served now (handed to a request thread, response not yet built). */
    int requestsInFlight();
}
