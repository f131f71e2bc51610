package dev.roundtrip.cli.lab;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code roundtrip lab}: real kernel TCP/UDP across emulated distance, loss and bandwidth. */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        description = {
                "The lab: each host of a topology in its own Linux network namespace, and all traffic between",
                "hosts through roundtrip's user-space wire, which delays, drops and rate-limits packets per",
                "path. Kernel TCP (handshakes, retransmits, congestion control) and UDP see a real",
                "wide-area network, on one machine. Needs root (or CAP_NET_ADMIN) and /dev/net/tun."},
        subcommands = {LabUpCommand.class, LabExecCommand.class, LabRunCommand.class, LabCleanCommand.class, LabHostCommand.class,
                LabPageLoadCommand.class},
        footer = {"", "Start with: roundtrip lab run tokyo-vs-newyork"})
public final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
