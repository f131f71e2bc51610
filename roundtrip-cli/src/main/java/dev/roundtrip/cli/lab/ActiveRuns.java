package dev.roundtrip.cli.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The labs running on this machine, as {@code lab up} records them so that {@code lab exec} from
 * another terminal finds a host's namespace: one small file per run under
 * {@code $ROUNDTRIP_HOME/lab/runs/}, written when the run is up and removed when it stops. A file
 * whose process is gone belongs to a crashed run ({@code lab clean} removes it).
 */
final class ActiveRuns {
    /** One running lab: its id, the {@code lab up} process, and each host's namespace. */
    record Run(String id, long pid, Map<String, String> namespaces, Path file) {
        boolean alive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private final Path dir;

    ActiveRuns(Path stateRoot) {
        this.dir = stateRoot.resolve("lab").resolve("runs");
    }

    /** Records a run (written atomically, so a reader never sees half of it). */
    Run record(String id, Map<String, String> namespaces) {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        namespaces.forEach((host, ns) -> p.setProperty("host." + host, ns));
        Path file = dir.resolve(id + ".properties");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, id, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "roundtrip lab run " + id);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the lab run in " + dir + ": " + e.getMessage(), e);
        }
        return new Run(id, ProcessHandle.current().pid(), namespaces, file);
    }

    /** Every recorded run, alive or not. */
    List<Run> all() {
        List<Run> runs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return runs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path f : files) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                } catch (IOException e) {
                    continue; // removed while we read it
                }
                Map<String, String> namespaces = new LinkedHashMap<>();
                p.stringPropertyNames().stream().filter(k -> k.startsWith("host.")).sorted()
                        .forEach(k -> namespaces.put(k.substring("host.".length()), p.getProperty(k)));
                String name = f.getFileName().toString();
                long pid;
                try {
                    pid = Long.parseLong(p.getProperty("pid", "-1"));
                } catch (NumberFormatException e) {
                    pid = -1;
                }
                runs.add(new Run(name.substring(0, name.length() - ".properties".length()), pid, namespaces, f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return runs;
    }

    /** Removes a run's record. */
    void remove(Run run) {
        try {
            Files.deleteIfExists(run.file());
        } catch (IOException e) {
            // stale records are harmless: lab exec checks the pid, lab clean removes them
        }
    }
}
