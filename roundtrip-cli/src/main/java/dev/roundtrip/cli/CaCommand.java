package dev.roundtrip.cli;

import dev.roundtrip.tls.LocalCa;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roundtrip ca}: the local certificate authority that signs every roundtrip server's certificate. */
@Command(name = "ca",
        mixinStandardHelpOptions = true,
        description = {
                "The local certificate authority (EC P-256) that signs the certificates of roundtrip's servers.",
                "Clients trust it with the root's PEM file, e.g. curl --cacert ~/.roundtrip/ca/ca.pem.",
                "Servers create it on first use; these commands manage it by hand."},
        subcommands = {CaCommand.Init.class, CaCommand.Issue.class})
final class CaCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by the subcommands. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Directory of the CA (default: ${ROUNDTRIP_HOME:-~/.roundtrip}/ca).")
        Path dir;

        Path dir() {
            return dir != null ? dir : LocalCa.defaultDir();
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Creates the root CA in DIR (or keeps the one already there) and prints its PEM file."})
    static final class Init implements Runnable {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            boolean existed = LocalCa.exists(dir.dir());
            LocalCa ca = LocalCa.loadOrCreate(dir.dir());
            var out = spec.commandLine().getOut();
            out.println((existed ? "existing" : "created") + " root CA: " + ca.certificate().getSubjectX500Principal().getName());
            out.println("certificate: " + ca.certificatePem().toAbsolutePath());
            out.println("trust it with: curl --cacert " + ca.certificatePem().toAbsolutePath() + " https://...");
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = {"Issues a server certificate for the given DNS names and IP addresses (the first is also",
                    "its common name) and writes NAME.pem (leaf + root) and NAME-key.pem."},
            footer = {"", "Example: roundtrip ca issue api.example.com 127.0.0.1"})
    static final class Issue implements Runnable {
        @picocli.CommandLine.Mixin
        DirOption dir;

        @Option(names = "--out", paramLabel = "DIR", description = "Where to write the files (default: the CA directory).")
        Path out;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "DNS names and IP addresses the certificate covers.")
        List<String> names;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            LocalCa ca = LocalCa.loadOrCreate(dir.dir());
            Path target = out != null ? out : ca.dir();
            Path cert;
            try {
                cert = ca.issueToFiles(names, target);
            } catch (IOException e) {
                throw new CommandFailure(1, "cannot write to " + target + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(2, e.getMessage());
            }
            var printer = spec.commandLine().getOut();
            printer.println("certificate: " + cert.toAbsolutePath());
            printer.println("key:         " + cert.resolveSibling(cert.getFileName().toString().replace(".pem", "-key.pem")).toAbsolutePath());
            printer.println("names:       " + String.join(", ", names));
            printer.println("issued by:   " + ca.certificatePem().toAbsolutePath());
        }
    }
}
