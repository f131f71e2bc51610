package dev.roundtrip.core.state;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where roundtrip keeps what must outlive a process (the local CA, embedded databases):
 * {@code $ROUNDTRIP_HOME} when set, else {@code ~/.roundtrip}. The one place that reads the
 * environment for this.
 */
public final class StateDirectory {
    private StateDirectory() {}

    /** The state root for this process. */
    public static Path root() {
        return root(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The state root given an environment and a home directory (for tests). */
    public static Path root(Map<String, String> env, Path userHome) {
        String home = env.get("ROUNDTRIP_HOME");
        return home == null || home.isBlank() ? userHome.resolve(".roundtrip") : Path.of(home);
    }
}
