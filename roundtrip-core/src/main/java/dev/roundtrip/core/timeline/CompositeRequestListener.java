package dev.roundtrip.core.timeline;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Forwards each event to several listeners in order; what {@link RequestListener#plus} returns. */
final class CompositeRequestListener implements RequestListener {
    private final List<RequestListener> listeners;

    CompositeRequestListener(List<RequestListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<RequestListener> event) {
        for (RequestListener l : listeners) {
            event.accept(l);
        }
    }

    @Override public void callStart(String method, URI url) { each(l -> l.callStart(method, url)); }
    @Override public void dnsStart(String host) { each(l -> l.dnsStart(host)); }
    @Override public void quicStart(java.net.InetSocketAddress address) { each(l -> l.quicStart(address)); }
    @Override public void quicEnd(java.net.InetSocketAddress address, TlsInfo info) { each(l -> l.quicEnd(address, info)); }
    @Override public void quicFailed(java.net.InetSocketAddress address, Throwable error) { each(l -> l.quicFailed(address, error)); }
    @Override public void dnsStep(DnsStep step) { each(l -> l.dnsStep(step)); }
    @Override public void dnsEnd(String host, List<InetAddress> addresses) { each(l -> l.dnsEnd(host, addresses)); }
    @Override public void dnsFailed(String host, Throwable error) { each(l -> l.dnsFailed(host, error)); }
    @Override public void connectStart(InetSocketAddress address) { each(l -> l.connectStart(address)); }
    @Override public void connectEnd(InetSocketAddress address) { each(l -> l.connectEnd(address)); }
    @Override public void connectFailed(InetSocketAddress address, Throwable error) { each(l -> l.connectFailed(address, error)); }
    @Override public void connectionReused(InetSocketAddress address) { each(l -> l.connectionReused(address)); }
    @Override public void tlsStart() { each(RequestListener::tlsStart); }
    @Override public void tlsEnd(TlsInfo info) { each(l -> l.tlsEnd(info)); }
    @Override public void tlsFailed(Throwable error) { each(l -> l.tlsFailed(error)); }
    @Override public void requestStart() { each(RequestListener::requestStart); }
    @Override public void requestEnd(long bytes) { each(l -> l.requestEnd(bytes)); }
    @Override public void responseStart() { each(RequestListener::responseStart); }
    @Override public void responseHeaders(String protocol, int status, Map<String, List<String>> headers) { each(l -> l.responseHeaders(protocol, status, headers)); }
    @Override public void responseEnd(long bodyBytes) { each(l -> l.responseEnd(bodyBytes)); }
    @Override public void callEnd() { each(RequestListener::callEnd); }
    @Override public void callFailed(PhaseKind phase, Throwable error) { each(l -> l.callFailed(phase, error)); }

    @Override
    public RequestListener plus(RequestListener other) {
        if (other == NONE) {
            return this;
        }
        List<RequestListener> all = new java.util.ArrayList<>(listeners);
        all.add(other);
        return new CompositeRequestListener(all);
    }
}
