package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.CommandFailure;
import dev.roundtrip.core.state.StateDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roundtrip lab exec HOST -- CMD...}: runs a command inside a lab host's network namespace. */
@Command(name = "exec",
        mixinStandardHelpOptions = true,
        description = {
                "Runs a command inside a host of the running lab (`roundtrip lab up`): it sees only that host's",
                "lab address, its /etc/resolv.conf names the lab's resolver, and everything it sends crosses",
                "the wire with the topology's delays and loss. Exits with the command's exit code.",
                "`roundtrip` as the command means this roundtrip."},
        footer = {"", "Examples:",
                "  roundtrip lab exec tokyo-client -- dig api.example.com",
                "  roundtrip lab exec tokyo-client -- curl --cacert ~/.roundtrip/ca/ca.pem https://api.example.com/users",
                "  roundtrip lab exec tokyo-client -- roundtrip trace https://api.example.com/users --repeat 2"})
final class LabExecCommand implements Callable<Integer> {
    @Option(names = "--run", paramLabel = "ID", description = "Which lab, when several run (ids: see the first line `lab up` printed).")
    String run;

    @Parameters(index = "0", paramLabel = "HOST", description = "The host to run in (a host name of the topology).")
    String host;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        ActiveRuns.Run lab = find(new ActiveRuns(StateDirectory.root()), run);
        String namespace = lab.namespaces().get(host);
        if (namespace == null) {
            throw new CommandFailure(2, "the lab has no host '" + host + "' (hosts: " + String.join(", ", lab.namespaces().keySet()) + ")");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        List<String> args = new ArrayList<>(command);
        String launcher = System.getenv("ROUNDTRIP_LAUNCHER");
        if (args.getFirst().equals("roundtrip")) {
            if (launcher != null) {
                args.set(0, launcher);
            } else {
                args.removeFirst();
                args = SelfCommand.roundtrip(args);
            }
        }
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** The one running lab, or the one named; a clear failure otherwise. */
    static ActiveRuns.Run find(ActiveRuns runs, String id) {
        List<ActiveRuns.Run> alive = runs.all().stream().filter(ActiveRuns.Run::alive).toList();
        if (id != null) {
            return alive.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new CommandFailure(1,
                    "no running lab with id '" + id + "'" + (alive.isEmpty() ? "" : " (running: " + ids(alive) + ")")));
        }
        if (alive.isEmpty()) {
            throw new CommandFailure(1, "no lab is running (start one with: roundtrip lab up)");
        }
        if (alive.size() > 1) {
            throw new CommandFailure(2, "several labs are running (" + ids(alive) + "): choose one with --run ID");
        }
        return alive.getFirst();
    }

    private static String ids(List<ActiveRuns.Run> runs) {
        return String.join(", ", runs.stream().map(ActiveRuns.Run::id).toList());
    }
}
