package dev.roundtrip.cli.lab;

import dev.roundtrip.core.state.StateDirectory;
import dev.roundtrip.lab.Lab;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code roundtrip lab clean}: removes what crashed lab runs left behind. */
@Command(name = "clean",
        mixinStandardHelpOptions = true,
        description = {
                "Removes the network namespaces (and their resolv.conf folders) of lab runs whose process is",
                "gone, for example after a crash or kill -9. Running labs are left alone; namespaces that",
                "roundtrip did not create are never touched."})
final class LabCleanCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        ActiveRuns runs = new ActiveRuns(StateDirectory.root());
        List<ActiveRuns.Run> dead = runs.all().stream().filter(r -> !r.alive()).toList();
        dead.forEach(runs::remove);
        List<String> removed = Lab.clean();
        if (removed.isEmpty() && dead.isEmpty()) {
            out.println("nothing to clean: no namespace of a stopped lab run is left");
        } else {
            removed.forEach(item -> out.println("removed " + item));
            dead.forEach(r -> out.println("forgot stopped run " + r.id()));
        }
        out.flush();
    }
}
