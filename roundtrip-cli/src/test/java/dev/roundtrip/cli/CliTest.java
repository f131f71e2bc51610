package dev.roundtrip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.tls.IssuedCertificate;
import dev.roundtrip.tls.LocalCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: help, version, usage errors with exit code 2, and the CA commands. */
public class CliTest {

    /** What a command printed and returned; other command tests use {@link #run} too. */
    public record Result(int exitCode, String out, String err) {}

    /** Runs the command line in-process, exactly as {@code roundtrip ARGS...} would. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: roundtrip", "ca", "help", "roundtrip help COMMAND");
    }

    @Test
    void helpCommandExplainsOneCommand() {
        Result r = run("help", "ca");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: roundtrip ca", "init", "issue");
    }

    @Test
    void versionNamesRoundtripAndTheJvm() {
        Result r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("roundtrip ").contains("Java 25");
    }

    @Test
    void unknownCommandsAndBadFlagsExitWith2AndAOneLineError() {
        Result unknown = run("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().lines().findFirst()).hasValue("Unmatched argument at index 0: 'frobnicate'");
        assertThat(unknown.err()).contains("Usage: roundtrip");

        Result badFlag = run("ca", "init", "--bogus");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.err().lines().findFirst()).hasValue("Unknown option: '--bogus'");
    }

    @Test
    void caInitThenIssueWritesUsableFiles(@TempDir Path dir) {
        Result init = run("ca", "init", "--dir", dir.toString());
        assertThat(init.exitCode()).isZero();
        assertThat(init.out()).contains("created root CA", "certificate: " + dir.resolve("ca.pem"));
        assertThat(run("ca", "init", "--dir", dir.toString()).out()).contains("existing root CA");

        Result issue = run("ca", "issue", "--dir", dir.toString(), "--out", dir.resolve("certs").toString(), "api.example.com", "127.0.0.1");
        assertThat(issue.exitCode()).as(issue.err()).isZero();
        IssuedCertificate read = IssuedCertificate.fromPem(dir.resolve("certs/api.example.com.pem"), dir.resolve("certs/api.example.com-key.pem"));
        assertThat(read.leaf().getIssuerX500Principal()).isEqualTo(LocalCa.loadOrCreate(dir).certificate().getSubjectX500Principal());
    }

    @Test
    void caIssueRejectsABadNameWithoutATrace(@TempDir Path dir) {
        Result r = run("ca", "issue", "--dir", dir.toString(), "not a name");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("roundtrip issue: 'not a name' is neither a DNS name nor an IP address");
    }
}
