package dev.roundtrip.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddedNetworkTest {

    private static InetSocketAddress lab(String address, int port) {
        return new InetSocketAddress(LabAddresses.parse(address), port);
    }

    @Test
    void twoServicesOnPort53OfDifferentLabAddressesAreReachedThroughTheMapping() throws Exception {
        Network network = Network.embedded();
        InetSocketAddress root = lab("198.18.0.4", 53);
        InetSocketAddress tld = lab("198.18.0.30", 53);

        try (DatagramSocket rootUdp = new DatagramSocket(network.bindAddress(root));
             DatagramSocket tldUdp = new DatagramSocket(network.bindAddress(tld));
             ServerSocket tldTcp = new ServerSocket()) {
            tldTcp.bind(network.bindAddress(tld)); // same port for TCP, as DNS needs
            assertThat(rootUdp.getLocalPort()).isNotEqualTo(tldUdp.getLocalPort());
            assertThat(tldTcp.getLocalPort()).isEqualTo(tldUdp.getLocalPort());

            try (DatagramSocket client = new DatagramSocket()) {
                byte[] hello = "root?".getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(hello, hello.length, network.connectAddress(root)));
                DatagramPacket received = new DatagramPacket(new byte[16], 16);
                rootUdp.setSoTimeout(5_000);
                rootUdp.receive(received);
                assertThat(new String(received.getData(), 0, received.getLength(), StandardCharsets.US_ASCII)).isEqualTo("root?");
            }
            try (Socket client = new Socket()) {
                client.connect(network.connectAddress(tld), 5_000);
                try (Socket accepted = tldTcp.accept(); OutputStream out = client.getOutputStream(); InputStream in = accepted.getInputStream()) {
                    out.write('x');
                    out.flush();
                    assertThat(in.read()).isEqualTo('x');
                }
            }
        }
        assertThat(network.mappings()).containsOnlyKeys(root, tld);
        assertThat(network.labAddressOf(network.connectAddress(tld))).isEqualTo(tld);
        assertThat(network.bindAddress(root)).isEqualTo(network.connectAddress(root));
    }

    @Test
    void addressesOutsideTheLabRangesAreRefused() {
        Network network = Network.embedded();
        assertThatThrownBy(() -> network.bindAddress(new InetSocketAddress(LabAddresses.parseLiteral("10.0.0.1"), 53)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("10.0.0.1 is not a lab address: roundtrip hosts use 198.18.0.0/15 or 2001:db8::/32 only");
        assertThatThrownBy(() -> network.connectAddress(new InetSocketAddress(LabAddresses.parseLiteral("192.0.2.1"), 80)))
                .hasMessageContaining("192.0.2.1:80 is not a lab address");
    }

    @Test
    void connectingWhereNothingWasBoundNamesTheAddress() {
        Network network = Network.embedded();
        assertThatThrownBy(() -> network.connectAddress(lab("198.18.9.9", 443)))
                .hasMessage("nothing listens on 198.18.9.9:443 in the embedded network");
        assertThatThrownBy(() -> network.connectAddress(lab("2001:db8::5", 53)))
                .hasMessage("nothing listens on [2001:db8:0:0:0:0:0:5]:53 in the embedded network");
    }

    @Test
    void loopbackPassesThroughAndHostNetworkIsIdentity() {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 8080);
        assertThat(Network.embedded().bindAddress(loopback)).isEqualTo(loopback);
        assertThat(Network.embedded().connectAddress(loopback)).isEqualTo(loopback);
        InetSocketAddress any = lab("198.18.1.10", 443);
        assertThat(Network.host().bindAddress(any)).isEqualTo(any);
        assertThat(Network.host().connectAddress(any)).isEqualTo(any);
    }
}
