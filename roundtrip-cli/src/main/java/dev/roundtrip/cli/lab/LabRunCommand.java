package dev.roundtrip.cli.lab;

import picocli.CommandLine.Command;

/** {@code roundtrip lab run}: runs one named experiment and prints what it showed. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run an experiment.",
        subcommands = {FailoverCommand.class})
public final class LabRunCommand {
}
