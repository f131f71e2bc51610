package dev.roundtrip.app.db;

import dev.roundtrip.core.state.StateDirectory;
import java.nio.file.Path;

/**
 * Where the app tier keeps its embedded databases: {@code app/<name>} under roundtrip's state
 * directory ({@code $ROUNDTRIP_HOME}, else {@code ~/.roundtrip}).
 */
public final class StateDir {
    private StateDir() {}

    /** The directory of app {@code name} under the state root {@code root}. */
    public static Path appDir(Path root, String name) {
        return root.resolve("app").resolve(name);
    }

    /** The directory of app {@code name} for this process. */
    public static Path appDir(String name) {
        return appDir(StateDirectory.root(), name);
    }

    /** The default database of app {@code name}: an H2 file {@code users} in its directory. */
    public static String defaultJdbcUrl(String name) {
        return JdbcUrls.h2File(appDir(name).resolve("users"));
    }
}
