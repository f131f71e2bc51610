package dev.roundtrip.lab;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** What the lab tests share: the visible privilege skip, fresh run ids, and a look at /run/netns. */
final class LabTesting {
    private LabTesting() {}

    /** Skips the test, printing why, when this process cannot create namespaces and TUN devices. */
    static void assumePrivileged() {
        Privileges privileges = Lab.privileges();
        Assumptions.assumeTrue(privileges.ok(), privileges.problem());
    }

    /** A run id no other test run uses: "t" and 7 random base-36 digits. */
    static String freshRunId() {
        StringBuilder id = new StringBuilder("t");
        for (int i = 0; i < 7; i++) {
            id.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return id.toString();
    }

    /** Names in /run/netns (and /etc/netns) that belong to run {@code runId}. */
    static List<String> leftovers(String runId) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path dir : List.of(Path.of("/run/netns"), Path.of("/etc/netns"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                entries.map(Path::toString).filter(p -> p.contains("/rtlab-" + runId + "-")).forEach(found::add);
            }
        }
        return found;
    }
}
