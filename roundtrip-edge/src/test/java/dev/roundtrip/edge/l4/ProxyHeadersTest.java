package dev.roundtrip.edge.l4;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The PROXY v2 header of a relayed connection, encoded and decoded again by Netty's codec. */
class ProxyHeadersTest {

    private static HAProxyMessage roundTrip(InetSocketAddress client, InetSocketAddress listener) {
        EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        out.writeOutbound(ProxyHeaders.v2(client, listener));
        ByteBuf wire = out.readOutbound();
        assertThat(out.finish()).isFalse();
        // Signature of version 2 (PROXY protocol spec, section 2.2): \r\n\r\n\0\r\nQUIT\n, then 0x21 (v2, PROXY).
        assertThat(wire.getByte(0)).isEqualTo((byte) 0x0D);
        assertThat(wire.getByte(12)).isEqualTo((byte) 0x21);
        EmbeddedChannel in = new EmbeddedChannel(new HAProxyMessageDecoder());
        in.writeInbound(wire);
        HAProxyMessage m = in.readInbound();
        assertThat(in.finish()).isFalse();
        return m;
    }

    @Test
    void ipv4ClientAndListener() {
        HAProxyMessage m = roundTrip(new InetSocketAddress("198.18.5.7", 50123), new InetSocketAddress("198.18.0.10", 443));
        try {
            assertThat(m.proxiedProtocol().name()).isEqualTo("TCP4");
            assertThat(m.sourceAddress()).isEqualTo("198.18.5.7");
            assertThat(m.sourcePort()).isEqualTo(50123);
            assertThat(m.destinationAddress()).isEqualTo("198.18.0.10");
            assertThat(m.destinationPort()).isEqualTo(443);
        } finally {
            m.release();
        }
    }

    @Test
    void mixedFamiliesAreSentAsIpv6WithTheIpv4AddressMapped() {
        HAProxyMessage m = roundTrip(new InetSocketAddress("198.18.5.7", 50123), new InetSocketAddress("2001:db8::10", 443));
        try {
            assertThat(m.proxiedProtocol().name()).isEqualTo("TCP6");
            assertThat(m.sourceAddress()).isIn("::ffff:198.18.5.7", "0:0:0:0:0:ffff:c612:507");
            assertThat(m.destinationAddress()).isEqualTo("2001:db8:0:0:0:0:0:10");
        } finally {
            m.release();
        }
    }
}
