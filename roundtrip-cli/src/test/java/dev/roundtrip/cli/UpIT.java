package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roundtrip up}: the commands it prints work when pasted into a shell. */
class UpIT {

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + "\n" + out).isZero();
        return out;
    }

    @Test
    void printedDigAndCurlCommandsWorkAsPrinted(@TempDir Path home) throws Exception {
        Process up = DemoIT.roundtrip(home, "up").redirectError(home.resolve("err.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
        try {
            List<String> printed = new ArrayList<>();
            for (String line = out.readLine(); line != null && !line.startsWith("running;"); line = out.readLine()) {
                printed.add(line);
            }
            assertThat(printed).as(Files.readString(home.resolve("err.txt"))).anyMatch(l -> l.contains("[8/8]"));
            assertThat(printed).anyMatch(l -> l.matches("  SERVICE +PROTOCOL +LAB ADDRESS +REAL ADDRESS"));
            String dig = printed.stream().filter(l -> l.startsWith("  dig ")).findFirst().orElseThrow().strip();
            String curl = printed.stream().filter(l -> l.startsWith("  curl ")).findFirst().orElseThrow().strip();
            assertThat(printed).anyMatch(l -> l.contains(" trace https://api.example.com/users --resolver 127.0.0.1:"));

            if (onPath("dig")) {
                assertThat(sh(dig)).contains("status: NOERROR").containsPattern("api\\.example\\.com\\.\\s+\\d+\\s+IN\\s+A\\s+198\\.18\\.1\\.10");
            }
            Assumptions.assumeTrue(onPath("curl"), "curl not installed: skipping the printed curl command");
            assertThat(sh(curl + " -sS --fail")).startsWith("{").contains("\"users\"");
            Assumptions.assumeTrue(onPath("dig"), "dig not installed: the printed dig command was not run");
        } finally {
            up.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("up stopped after SIGTERM").isTrue();
        }
        String rest = String.join("\n", out.lines().toList());
        assertThat(rest).contains("stopping", "all services stopped");
    }
}
