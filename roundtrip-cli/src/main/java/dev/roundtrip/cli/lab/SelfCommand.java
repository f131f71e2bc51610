package dev.roundtrip.cli.lab;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another roundtrip JVM like this one (same java, same JVM flags, same
 * class path), for the processes the lab runs inside its hosts' network namespaces.
 */
final class SelfCommand {
    private SelfCommand() {}

    /** {@code java [this JVM's flags] -cp [class path] dev.roundtrip.cli.Main args...}. */
    static List<String> roundtrip(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Debuggers, agents and CDS dumps belong to this process only.
            if (flag.startsWith("-agentlib") || flag.startsWith("-javaagent") || flag.startsWith("-Xrunjdwp")
                    || flag.startsWith("-XX:ArchiveClassesAtExit") || flag.startsWith("-XX:+AutoCreateSharedArchive")
                    || flag.startsWith("-XX:SharedArchiveFile") || flag.startsWith("-Xshare")) {
                continue;
            }
            cmd.add(flag);
        }
        if (cmd.stream().noneMatch(f -> f.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.roundtrip.cli.Main");
        cmd.addAll(args);
        return cmd;
    }

    /** This JVM's class path with every entry absolute, so a child started elsewhere finds it. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
