package dev.roundtrip.app.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.RunningApp;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.core.net.Network;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's WebSocket endpoints on a real app server, spoken to by a client we did not write (the
 * JDK's {@link WebSocket}) and by raw bytes for the handshake itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketEndpointsTest {
    private RunningApp app;
    private HttpClient http;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        app = RunningApp.start(AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "app-ws", JdbcUrls.h2File(dir.resolve("users"))));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stop() throws Exception {
        http.shutdownNow(); // close() would wait for every WebSocket it ever opened
        app.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + app.address().getPort() + path);
    }

    /** Collects whole text messages and the close status. */
    static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        private int binaryBytes;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                messages.add("binary:" + binaryBytes);
                binaryBytes = 0;
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    @Test
    void theHandshakeNamesTheInstanceAndAnswersTheKey() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), app.address().getPort())) {
            s.setSoTimeout(10_000);
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            out.write(("GET /ws/echo HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            assertThat(head.toLowerCase()).contains("x-served-by: app-ws\r\n").contains("sec-websocket-accept: " + accept.toLowerCase());
        }
    }

    @Test
    void anUnknownWebSocketPathIsAnHttp404() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), app.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /ws/nothing HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 404");
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void echoReturnsEveryMessageInOrder() throws Exception {
        Collector c = new Collector();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri("/ws/echo"), c).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 500; i++) {
            ws.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
        }
        ws.sendBinary(ByteBuffer.wrap(new byte[40_000]), true).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 500; i++) {
            assertThat(c.next()).isEqualTo("m" + i);
        }
        assertThat(c.next()).isEqualTo("binary:40000");
        ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        Collector c = new Collector();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri("/ws/echo"), c).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[WebSocketLimits.DEFAULTS.maxFrameBytes() + 1]), true);
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void aRoomBroadcastsEachMessageToEveryMemberInOneOrder() throws Exception {
        List<Collector> members = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Collector c = new Collector();
            members.add(c);
            sockets.add(http.newWebSocketBuilder().buildAsync(uri("/ws/room/lobby"), c).get(10, TimeUnit.SECONDS));
        }
        Collector other = new Collector();
        WebSocket elsewhere = http.newWebSocketBuilder().buildAsync(uri("/ws/room/other"), other).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (app.server() != null && rooms().members("lobby") < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rooms().members("lobby")).isEqualTo(3);
        for (int i = 0; i < 20; i++) {
            sockets.get(i % 3).sendText("from " + (i % 3) + " #" + i, true).get(10, TimeUnit.SECONDS);
            for (Collector c : members) {
                assertThat(c.next()).isEqualTo("from " + (i % 3) + " #" + i); // each message reaches all, the sender included
            }
        }
        assertThat(other.messages).as("another room hears nothing").isEmpty();
        sockets.getFirst().sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        members.getFirst().closed.get(10, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (rooms().members("lobby") > 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rooms().members("lobby")).isEqualTo(2);
        for (WebSocket ws : sockets.subList(1, 3)) {
            ws.sendClose(1000, "bye");
        }
        elsewhere.sendClose(1000, "bye");
    }

    private Rooms rooms() {
        return app.server().webSockets().rooms();
    }
}
