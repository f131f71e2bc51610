package dev.roundtrip.app;

import dev.roundtrip.app.db.JdbcUrls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The API suite on the default database: an embedded H2 file in a fresh directory. */
class H2UsersApiTest extends UsersApiContract {
    private Path dir;

    @Override
    String openDatabase() throws Exception {
        dir = Files.createTempDirectory("roundtrip-app-h2");
        return JdbcUrls.h2File(dir.resolve("users"));
    }

    @Override
    void closeDatabase() throws Exception {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
