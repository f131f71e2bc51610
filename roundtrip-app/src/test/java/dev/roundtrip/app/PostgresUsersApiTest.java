package dev.roundtrip.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The API suite on a real PostgreSQL, given as {@code ROUNDTRIP_TEST_PG_URL}
 * (e.g. {@code jdbc:postgresql://127.0.0.1:5432/roundtrip?user=roundtrip&password=roundtrip}; CI
 * starts Debian's postgresql and sets it). Each run works in a schema of its own, dropped after.
 * Skipped, visibly, when the variable is unset.
 */
class PostgresUsersApiTest extends UsersApiContract {
    static final String ENV = "ROUNDTRIP_TEST_PG_URL";
    private String baseUrl;
    private String schema;

    @Override
    String openDatabase() throws Exception {
        baseUrl = System.getenv(ENV);
        if (baseUrl == null || baseUrl.isBlank()) {
            return null;
        }
        schema = "rt_test_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    String unavailableReason() {
        return ENV + " is not set: skipping the PostgreSQL suite";
    }

    @Override
    void closeDatabase() throws Exception {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
