package dev.roundtrip.core.resolve;

import dev.roundtrip.core.timeline.DnsStep;
import dev.roundtrip.core.timeline.RequestListener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves through the operating system ({@code getaddrinfo} via the JDK), on a virtual thread so
 * the caller never blocks. It cannot see how the OS found the answer, so it reports one step.
 */
public final class SystemResolver implements Resolver {

    @Override
    public CompletableFuture<Resolution> resolve(String host, RequestListener listener) {
        CompletableFuture<Resolution> result = new CompletableFuture<>();
        Thread.ofVirtual().name("system-resolver " + host).start(() -> {
            try {
                List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
                DnsStep step = new DnsStep(DnsStep.Source.QUERY, "system", "", host + " A/AAAA",
                        "answer " + addresses.getFirst().getHostAddress(), 0);
                listener.dnsStep(step);
                result.complete(new Resolution(host, addresses, false, List.of(step)));
            } catch (UnknownHostException e) {
                result.completeExceptionally(new ResolutionException(host, ResolutionException.Reason.NXDOMAIN, "system resolver", e));
            } catch (RuntimeException e) {
                result.completeExceptionally(new ResolutionException(host, ResolutionException.Reason.OTHER, e.getMessage(), e));
            }
        });
        return result;
    }
}
