package dev.roundtrip.cli.lab;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code roundtrip lab run SCENARIO}: the built-in experiments. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Runs a built-in experiment in the lab and prints what it measured next to what theory says."},
        subcommands = {TokyoVsNewYorkCommand.class})
final class LabRunCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
