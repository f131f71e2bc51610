package dev.roundtrip.lab.ns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which lab runs exist and whether their owner lives: each run records "PID STARTTIME" in
 * /run/roundtrip-lab/RUNID.pid, and names its namespaces rtlab-RUNID-N. {@link #clean()} removes the
 * namespaces (and /etc/netns dirs) of runs whose owner is gone; a pid reused by another process does not
 * count as the owner, because its start time differs.
 */
public final class RunRegistry {
    /** Prefix of every namespace the lab creates; nothing without it is ever touched. */
    public static final String PREFIX = "rtlab-";
    private static final Logger log = LoggerFactory.getLogger(RunRegistry.class);
    private static final Path RUN_DIR = Path.of("/run/roundtrip-lab");
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path ETC_NETNS_DIR = Path.of("/etc/netns");

    private RunRegistry() {}

    /** The name of host {@code index}'s namespace in run {@code runId}. */
    public static String namespaceName(String runId, int index) {
        return PREFIX + runId + "-" + index;
    }

    /** The run id inside a lab namespace name, or empty for names that are not ours. */
    public static Optional<String> runIdOf(String namespace) {
        if (!namespace.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dash = namespace.lastIndexOf('-');
        if (dash <= PREFIX.length()) {
            return Optional.empty();
        }
        String runId = namespace.substring(PREFIX.length(), dash);
        String index = namespace.substring(dash + 1);
        return runId.matches("[a-z0-9]{1,8}") && index.matches("[0-9]+") ? Optional.of(runId) : Optional.empty();
    }

    /** The file bound to a namespace by {@code ip netns add}, for setns. */
    public static Path namespacePath(String namespace) {
        return NETNS_DIR.resolve(namespace);
    }

    /** The directory whose files {@code ip netns exec} bind-mounts over /etc (resolv.conf). */
    public static Path etcDir(String namespace) {
        return ETC_NETNS_DIR.resolve(namespace);
    }

    /** The pid file of a run. */
    public static Path pidFile(String runId) {
        return RUN_DIR.resolve(runId + ".pid");
    }

    /**
     * Records this process as the owner of {@code runId}.
     *
     * @throws IOException when a live process already owns it, or the file cannot be written
     */
    public static void claim(String runId) throws IOException {
        Files.createDirectories(RUN_DIR);
        Path file = pidFile(runId);
        if (ownerAlive(runId)) {
            throw new IOException("run id " + runId + " is in use by a live process (" + Files.readString(file).strip()
                    + " in " + file + "); choose another run id");
        }
        long pid = ProcessHandle.current().pid();
        Files.writeString(file, pid + " " + startTime(pid).orElse("?") + "\n", StandardCharsets.US_ASCII);
    }

    /** Forgets the run (its namespaces are gone). */
    public static void release(String runId) {
        try {
            Files.deleteIfExists(pidFile(runId));
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", pidFile(runId), e.toString());
        }
    }

    /** Whether the process recorded in the run's pid file still runs (same pid and start time). */
    public static boolean ownerAlive(String runId) {
        String[] fields;
        try {
            fields = Files.readString(pidFile(runId)).strip().split("\\s+");
        } catch (IOException e) {
            return false;
        }
        if (fields.length != 2 || !fields[0].matches("[0-9]{1,10}")) {
            return false;
        }
        long pid = Long.parseLong(fields[0]);
        return startTime(pid).map(fields[1]::equals).orElse(false);
    }

    /** Field 22 of /proc/PID/stat (start time in clock ticks since boot), empty if no such process. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(afterName[19]); // fields 3.. follow the name; field 22 is index 19
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes every rtlab-* namespace, /etc/netns/rtlab-* directory and pid file whose run's owner is
     * dead; namespaces of live runs and anything without the prefix are left alone.
     *
     * @return what was removed, e.g. "namespace rtlab-ab12-0"; failures are logged and listed with "failed"
     */
    /**
     * Stops what a dead run left running inside one of its namespaces (a host's services, when
     * {@code lab up} was killed): SIGTERM, then SIGKILL after 5 s. Only processes inside a namespace
     * named for a roundtrip run, which roundtrip started there.
     */
    private static int stopProcessesIn(String namespace) {
        CommandResult pids = IpCommand.run("netns", "pids", namespace);
        if (!pids.ok()) {
            return 0;
        }
        List<ProcessHandle> processes = pids.output().lines().map(String::strip).filter(l -> l.matches("\\d+"))
                .map(Long::parseLong).map(ProcessHandle::of).flatMap(Optional::stream).toList();
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : processes) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        return processes.size();
    }

    public static List<String> clean() {
        List<String> removed = new ArrayList<>();
        for (String namespace : list(NETNS_DIR)) {
            Optional<String> runId = runIdOf(namespace);
            if (runId.isEmpty() || ownerAlive(runId.get())) {
                continue;
            }
            int stopped = stopProcessesIn(namespace);
            if (stopped > 0) {
                removed.add(stopped + " process(es) left running in " + namespace + " (stopped)");
            }
            CommandResult result = deleteNamespace(namespace);
            removed.add(result.ok() ? "namespace " + namespace : "failed to remove namespace " + namespace + ": " + result.describe());
        }
        for (String namespace : list(ETC_NETNS_DIR)) {
            Optional<String> runId = runIdOf(namespace);
            if (runId.isEmpty() || ownerAlive(runId.get())) {
                continue;
            }
            removed.add(deleteEtcDir(namespace) ? ETC_NETNS_DIR.resolve(namespace).toString()
                    : "failed to remove " + ETC_NETNS_DIR.resolve(namespace));
        }
        for (String file : list(RUN_DIR)) {
            if (!file.endsWith(".pid")) {
                continue;
            }
            String runId = file.substring(0, file.length() - 4);
            if (runId.matches("[a-z0-9]{1,8}") && !ownerAlive(runId)) {
                release(runId);
                removed.add(RUN_DIR.resolve(file).toString());
            }
        }
        return removed;
    }

    /** {@code ip netns del NAME}; a namespace that is already gone counts as removed. */
    public static CommandResult deleteNamespace(String namespace) {
        requireOurs(namespace);
        CommandResult result = IpCommand.run("netns", "del", namespace);
        if (!result.ok() && !Files.exists(namespacePath(namespace))) {
            return new CommandResult(result.command(), 0, result.output());
        }
        return result;
    }

    /** Removes /etc/netns/NAME and its files; true when it is gone. */
    public static boolean deleteEtcDir(String namespace) {
        requireOurs(namespace);
        Path dir = etcDir(namespace);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", dir, e.toString());
            return false;
        }
    }

    private static void requireOurs(String namespace) {
        if (runIdOf(namespace).isEmpty()) {
            throw new IllegalArgumentException("'" + namespace + "' is not a lab namespace (" + PREFIX + "RUNID-N); refusing to touch it");
        }
    }

    private static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.toString());
        }
        return names;
    }
}
