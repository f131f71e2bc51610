package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roundtrip lb} as a process: SIGHUP reloads {@code --config FILE}, an invalid file keeps the old configuration, SIGTERM drains. */
class LbReloadIT {
    private static final Pattern LISTENING = Pattern.compile("^listening: http 127\\.0\\.0\\.1:(\\d+)");

    /** A backend answering every request with "hello from NAME". */
    static HttpServer backend(String name) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            byte[] body = ("hello from " + name).getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.start();
        return s;
    }

    static String config(HttpServer backend, String extra) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                    routes: [{ match: { path_prefix: / }, cluster: app }]
                clusters:
                  - { name: app, endpoints: [127.0.0.1:%d]%s }
                access_log: false
                """.formatted(backend.getAddress().getPort(), extra);
    }

    static String get(int port) throws Exception {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void signal(Process p, String signal) throws Exception {
        // bash's builtin kill: no procps needed
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + signal + " " + p.pid()).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    static void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within 20 s").isNegative();
            Thread.sleep(50);
        }
    }

    /** Starts the command and reads its stdout up to the listener's port. */
    static int startedPort(Process p, Path err) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no listening line; stderr:\n" + Files.readString(err));
    }

    @Test
    void sighupReloadsTheFileAndAnInvalidFileKeepsTheRunningConfiguration(@TempDir Path home) throws Exception {
        HttpServer a = backend("a");
        HttpServer b = backend("b");
        Path yaml = home.resolve("lb.yaml");
        Path err = home.resolve("err.txt");
        Files.writeString(yaml, config(a, ""));
        Process lb = DemoIT.roundtrip(home, "lb", "--config", yaml.toString()).redirectError(err.toFile()).start();
        try {
            int port = startedPort(lb, err);
            assertThat(get(port)).isEqualTo("hello from a");

            Files.writeString(yaml, config(b, ""));
            signal(lb, "HUP");
            await("the new endpoint serving after SIGHUP", () -> {
                try {
                    return get(port).equals("hello from b");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(Files.readString(err)).contains("SIGHUP: reloading " + yaml, "generation 2 applied");

            Files.writeString(yaml, config(a, ", policy: fastest"));
            signal(lb, "HUP");
            await("the rejection logged", () -> {
                try {
                    return Files.readString(err).contains("reload rejected");
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(Files.readString(err)).contains("generation 2 keeps serving", "clusters[0].policy: 'fastest' is not a policy (allowed:");
            assertThat(get(port)).as("the running configuration still serves").isEqualTo("hello from b");
        } finally {
            lb.toHandle().destroy(); // SIGTERM: drain and stop
            assertThat(lb.waitFor(30, TimeUnit.SECONDS)).as("lb stopped after SIGTERM").isTrue();
            a.stop(0);
            b.stop(0);
        }
        assertThat(Files.readString(err)).contains("stopping: draining connections", "lb drained");
    }

    @Test
    void sighupWithoutAFileSaysThereIsNothingToReload(@TempDir Path home) throws Exception {
        HttpServer a = backend("a");
        Path err = home.resolve("err.txt");
        Process lb = DemoIT.roundtrip(home, "lb", "--listen", "127.0.0.1:0", "--backend", "127.0.0.1:" + a.getAddress().getPort(),
                "--no-access-log").redirectError(err.toFile()).start();
        try {
            int port = startedPort(lb, err);
            signal(lb, "HUP");
            await("the log line", () -> {
                try {
                    return Files.readString(err).contains("nothing to reload: lb was started without a configuration file (--config FILE)");
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(get(port)).isEqualTo("hello from a");
        } finally {
            lb.toHandle().destroy();
            assertThat(lb.waitFor(30, TimeUnit.SECONDS)).isTrue();
            a.stop(0);
        }
    }
}
