package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code bin/roundtrip} as a user does, against the jar this build just packaged. */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("roundtrip.root", "..")).toAbsolutePath().normalize();

    record Run(int exitCode, String out, String err) {}

    static Run launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/roundtrip").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpRunsFromTheCheckout() throws Exception {
        Run run = launcher(Map.of(), "--help");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: roundtrip", "Commands:", "ca");
        assertThat(run.err()).doesNotContain("building roundtrip", "WARNING");
    }

    /** An AOT cache in ROUNDTRIP_JAVA_OPTS: trained by one run, opened by the next (the launcher's own archive stays out of the way). */
    @Test
    void trainsAndUsesAnAotCache(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("roundtrip.aot");
        Run train = launcher(Map.of("ROUNDTRIP_JAVA_OPTS", "-XX:AOTCacheOutput=" + cache), "--version");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).startsWith("roundtrip 0.1.0");
        assertThat(cache).isNotEmptyFile();
        Run use = launcher(Map.of("ROUNDTRIP_JAVA_OPTS", "-XX:AOTCache=" + cache + " -Xlog:aot=info"), "--version");
        assertThat(use.exitCode()).as(use.err()).isZero();
        assertThat(use.out()).contains("Opened AOT cache " + cache, "roundtrip 0.1.0");
    }

    @Test
    void versionAndUsageErrors() throws Exception {
        assertThat(launcher(Map.of(), "--version").out()).startsWith("roundtrip 0.1.0");
        Run bad = launcher(Map.of(), "no-such-command");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Unmatched argument at index 0: 'no-such-command'");
    }

    @Test
    void saysClearlyWhenThereIsNoJdk25(@TempDir Path emptyJvmDir) throws Exception {
        Run run = launcher(Map.of("JAVA_HOME", emptyJvmDir.toString(), "ROUNDTRIP_JVM_DIR", emptyJvmDir.toString()), "--help");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("roundtrip: needs a JDK 25 or newer, and found none");
        assertThat(run.out()).isEmpty();
    }
}
