package dev.roundtrip.app;

import static dev.roundtrip.app.ApiClient.json;
import static dev.roundtrip.app.ApiClient.userJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roundtrip.app.db.JdbcUrls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} the app server while clients write, restart it on the same H2 file: every write
 * that was acknowledged (201 or 200) is there, whole. The app runs as a child JVM so that the kill
 * is a real SIGKILL with no shutdown hook.
 */
class CrashRecoveryTest {
    private static final int WRITERS = 8;

    /** What a client saw acknowledged for one user: its id, e-mail, last acknowledged name and version. */
    private record Acked(long id, String email, String name, long version) {}

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKill9() throws Exception {
        String url = JdbcUrls.h2File(dir.resolve("users"));
        Map<Long, Acked> acked = new ConcurrentHashMap<>();
        AtomicInteger acks = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);

        Process first = startApp(url, "crash-1");
        try (ApiClient client = new ApiClient(listeningAddress(first));
             ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                running.add(writers.submit(() -> write(client, writer, writing, acked, acks)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acks.get() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL, mid-write
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            writing.set(false);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            first.destroyForcibly();
        }
        assertThat(acks.get()).isGreaterThanOrEqualTo(100);

        Process second = startApp(url, "crash-2");
        try (ApiClient client = new ApiClient(listeningAddress(second))) {
            for (Acked a : acked.values()) {
                HttpResponse<String> r = client.get("/users/" + a.id());
                assertThat(r.statusCode()).as("acknowledged user %d", a.id()).isEqualTo(200);
                JsonNode user = json(r);
                assertThat(user.get("email").asText()).isEqualTo(a.email());
                long version = user.get("version").asLong();
                // An update in flight at the kill may have landed after its acknowledgement was lost.
                assertThat(version).as("user %d version", a.id()).isGreaterThanOrEqualTo(a.version());
                if (version == a.version()) {
                    assertThat(user.get("name").asText()).isEqualTo(a.name());
                }
            }
            assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            second.destroyForcibly();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Creates users and updates each once with If-Match, recording what the server acknowledged. */
    private static Void write(ApiClient client, int writer, AtomicBoolean writing, Map<Long, Acked> acked, AtomicInteger acks) {
        for (int i = 0; writing.get() && i < 10_000; i++) {
            try {
                String email = "w" + writer + "." + i + "@crash.example";
                HttpResponse<String> created = client.post("/users", userJson("Writer " + writer + " #" + i, email));
                if (created.statusCode() != 201) {
                    continue;
                }
                long id = json(created).get("id").asLong();
                acked.put(id, new Acked(id, email, "Writer " + writer + " #" + i, 1));
                acks.incrementAndGet();
                String renamed = "Renamed " + writer + " #" + i;
                HttpResponse<String> updated = client.put("/users/" + id, userJson(renamed, email), "\"v1\"");
                if (updated.statusCode() == 200) {
                    acked.put(id, new Acked(id, email, renamed, 2));
                    acks.incrementAndGet();
                }
            } catch (RuntimeException e) {
                // The server is gone (killed); requests fail until the test stops the writers.
                if (!writing.get()) {
                    return null;
                }
                sleepQuietly();
            }
        }
        return null;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startApp(String url, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classpath,
                AppProcess.class.getName(), name, url)
                .redirectError(dir.resolve(name + ".log").toFile())
                .start();
    }

    private static InetSocketAddress listeningAddress(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Future<String> line;
        try (ExecutorService reader = Executors.newSingleThreadExecutor()) {
            line = reader.submit(out::readLine);
            String text = line.get(60, TimeUnit.SECONDS);
            assertThat(text).as("child app output").startsWith("LISTENING ");
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(text.substring("LISTENING ".length())));
        }
    }
}
