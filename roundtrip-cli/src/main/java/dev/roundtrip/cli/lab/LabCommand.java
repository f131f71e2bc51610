package dev.roundtrip.cli.lab;

import picocli.CommandLine.Command;

/** {@code roundtrip lab}: experiments on the lab network (or its loopback stand-in). */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Experiments on the lab network.",
        subcommands = {LabRunCommand.class})
public final class LabCommand {
}
