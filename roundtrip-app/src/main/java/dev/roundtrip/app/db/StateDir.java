package dev.roundtrip.app.db;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the app tier keeps its embedded databases: {@code $ROUNDTRIP_HOME/app/<name>}, or
 * {@code ~/.roundtrip/app/<name>} when {@code ROUNDTRIP_HOME} is unset. The one place that reads
 * the environment for this.
 */
public final class StateDir {
    private StateDir() {}

    /** The directory of app {@code name}, from the given environment and user home. */
    public static Path appDir(Map<String, String> env, Path userHome, String name) {
        String home = env.get("ROUNDTRIP_HOME");
        Path root = home == null || home.isBlank() ? userHome.resolve(".roundtrip") : Path.of(home);
        return root.resolve("app").resolve(name);
    }

    /** The directory of app {@code name} for this process. */
    public static Path appDir(String name) {
        return appDir(System.getenv(), Path.of(System.getProperty("user.home")), name);
    }

    /** The default database of app {@code name}: an H2 file {@code users} in its directory. */
    public static String defaultJdbcUrl(String name) {
        return JdbcUrls.h2File(appDir(name).resolve("users"));
    }
}
