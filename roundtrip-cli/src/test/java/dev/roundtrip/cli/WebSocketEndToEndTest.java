package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.AppServer;
import dev.roundtrip.app.db.JdbcUrls;
import dev.roundtrip.core.net.Network;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.timeline.MonotonicClock;
import dev.roundtrip.edge.LoadBalancer;
import dev.roundtrip.edge.config.EdgeConfigParser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app tier's WebSocket endpoints through the load balancer, all real servers on loopback:
 * client (the JDK's WebSocket) -> balancer (cookie affinity) -> two app servers. A room lives in
 * one app server, so its members share the balancer's affinity cookie and meet on one instance.
 */
class WebSocketEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void roomMembersWithOneAffinityCookieMeetOnOneAppServerThroughTheBalancer() throws Exception {
        List<AppServer> apps = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        LoadBalancer lb = null;
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (String name : List.of("app-1", "app-2")) {
                AppServer app = new AppServer(AppConfig.of(Network.embedded(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        name, JdbcUrls.h2File(dir.resolve(name))));
                apps.add(app);
                InetSocketAddress bound = app.start().get(30, TimeUnit.SECONDS).getFirst().real();
                backends.add("127.0.0.1:" + bound.getPort());
            }
            lb = new LoadBalancer("lb", EdgeConfigParser.parse(new ObjectMapper(new YAMLFactory()).readTree("""
                    listen: 127.0.0.1:0
                    backends: [%s]
                    policy: cookie:rt_affinity
                    access_log: false
                    """.formatted(String.join(", ", backends))), "", null), Network.embedded(), MonotonicClock.SYSTEM);
            List<BoundAddress> bound = lb.start().get(20, TimeUnit.SECONDS);
            int port = bound.getFirst().real().getPort();

            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            String home = first.headers().firstValue("x-served-by").orElseThrow();

            List<WebSocket> sockets = new ArrayList<>();
            List<LinkedBlockingQueue<String>> inboxes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
                inboxes.add(inbox);
                sockets.add(http.newWebSocketBuilder().header("Cookie", cookie)
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/room/lobby"), new WebSocket.Listener() {
                            private final StringBuilder part = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                part.append(data);
                                if (last) {
                                    inbox.add(part.toString());
                                    part.setLength(0);
                                }
                                ws.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS));
            }
            AppServer homeApp = apps.stream().filter(a -> a.name().equals(home)).findFirst().orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (homeApp.webSockets().rooms().members("lobby") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(homeApp.webSockets().rooms().members("lobby")).as("all three on %s", home).isEqualTo(3);
            for (int i = 0; i < 30; i++) {
                sockets.get(i % 3).sendText("hello " + i, true).get(10, TimeUnit.SECONDS);
                for (LinkedBlockingQueue<String> inbox : inboxes) {
                    assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo("hello " + i);
                }
            }
            assertThat(lb.tunnels().open()).isEqualTo(3);
            for (WebSocket ws : sockets) {
                ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            }
        } finally {
            http.shutdownNow();
            if (lb != null) {
                lb.stop(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
            }
            for (AppServer app : apps) {
                app.stop(Duration.ofSeconds(1)).get(20, TimeUnit.SECONDS);
            }
        }
    }
}
