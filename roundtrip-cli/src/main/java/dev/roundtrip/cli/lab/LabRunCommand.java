package dev.roundtrip.cli.lab;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code roundtrip lab run SCENARIO}: the built-in experiments. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Runs a built-in experiment and prints what it measured:",
                "  tokyo-vs-newyork  one API from two cities, round trips measured against theory (needs the lab: root)",
                "  handshakes        round trips to the first byte, h1/h2/h3/0-RTT (lab: root)",
                "  head-of-line      a page over a lossy path, h1 x6 / h2 / h3 (lab: root)",
                "  failover          a backend killed under load behind an L4 and an L7 balancer (loopback, no privileges)"},
        subcommands = {TokyoVsNewYorkCommand.class, HandshakesCommand.class, HeadOfLineCommand.class, FailoverCommand.class})
final class LabRunCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
