package dev.roundtrip.core.net;

import java.net.InetSocketAddress;
import java.util.Map;

/** The host network: every address is real, so binding and connecting use it unchanged. */
public final class HostNetwork implements Network {
    static final HostNetwork INSTANCE = new HostNetwork();

    private HostNetwork() {}

    @Override
    public InetSocketAddress bindAddress(InetSocketAddress requested) {
        return requested;
    }

    @Override
    public InetSocketAddress connectAddress(InetSocketAddress target) {
        return target;
    }

    @Override
    public InetSocketAddress labAddressOf(InetSocketAddress real) {
        return real;
    }

    @Override
    public Map<InetSocketAddress, InetSocketAddress> mappings() {
        return Map.of();
    }

    @Override
    public String name() {
        return "host";
    }
}
