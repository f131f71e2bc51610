package dev.roundtrip.app.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
    @Test
    void appliesEachStepOnceEvenWhenServersRace() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:migrate-race;DB_CLOSE_DELAY=-1");
        int servers = 4;
        CyclicBarrier together = new CyclicBarrier(servers);
        List<Integer> applied = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(servers)) {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                results.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return new SchemaMigrator(Schema.migrations()).migrate(ds, JdbcUrls.Kind.H2);
                }));
            }
            for (Future<List<Integer>> r : results) {
                applied.addAll(r.get(30, TimeUnit.SECONDS));
            }
        }
        assertThat(applied).containsExactlyInAnyOrder(1, 2);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM users")).isEqualTo(Schema.SAMPLE_USERS);
            assertThat(count(s, "SELECT COUNT(*) FROM roundtrip_schema")).isEqualTo(2);
            s.execute("DROP ALL OBJECTS");
        }
    }

    @Test
    void anUpToDateDatabaseIsLeftAlone() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:migrate-twice;DB_CLOSE_DELAY=-1");
        SchemaMigrator migrator = new SchemaMigrator(Schema.migrations());
        assertThat(migrator.migrate(ds, JdbcUrls.Kind.H2)).containsExactly(1, 2);
        assertThat(migrator.migrate(ds, JdbcUrls.Kind.H2)).isEmpty();
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
