package dev.roundtrip.app.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void knowsItsDatabases() {
        assertThat(JdbcUrls.kindOf("jdbc:h2:file:/tmp/x")).isEqualTo(JdbcUrls.Kind.H2);
        assertThat(JdbcUrls.kindOf("jdbc:postgresql://127.0.0.1/db")).isEqualTo(JdbcUrls.Kind.POSTGRESQL);
        assertThatThrownBy(() -> JdbcUrls.kindOf("jdbc:mysql://h/db?password=secret"))
                .hasMessageContaining("jdbc:postgresql").hasMessageNotContaining("secret");
    }

    @Test
    void embeddedH2FilesCommitBeforeAnsweringAndH2WaitsLongerForLocks() {
        assertThat(JdbcUrls.forPool("jdbc:h2:file:/tmp/x")).isEqualTo("jdbc:h2:file:/tmp/x;WRITE_DELAY=0;LOCK_TIMEOUT=5000");
        assertThat(JdbcUrls.forPool("jdbc:h2:/tmp/x;MODE=PostgreSQL")).isEqualTo("jdbc:h2:/tmp/x;MODE=PostgreSQL;WRITE_DELAY=0;LOCK_TIMEOUT=5000");
        assertThat(JdbcUrls.forPool("jdbc:h2:file:/tmp/x;write_delay=100;lock_timeout=1")).isEqualTo("jdbc:h2:file:/tmp/x;write_delay=100;lock_timeout=1");
        assertThat(JdbcUrls.forPool("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x;LOCK_TIMEOUT=5000");
        assertThat(JdbcUrls.forPool("jdbc:h2:tcp://127.0.0.1:9092/users")).isEqualTo("jdbc:h2:tcp://127.0.0.1:9092/users;LOCK_TIMEOUT=5000");
        assertThat(JdbcUrls.forPool("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
        assertThat(JdbcUrls.h2File(Path.of("/tmp/a/../b/users"))).isEqualTo("jdbc:h2:file:/tmp/b/users;WRITE_DELAY=0");
    }

    @Test
    void redactsPasswords() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=x")).isEqualTo("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=***");
    }

    @Test
    void eachAppHasADirectoryUnderTheStateRoot() {
        assertThat(StateDir.appDir(Path.of("/srv/rt"), "app-1")).isEqualTo(Path.of("/srv/rt/app/app-1"));
    }
}
