package dev.roundtrip.app.db;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which databases the app tier speaks to, and the adjustments it makes to their URLs. An
 * embedded H2 file database gets {@code WRITE_DELAY=0}. By default H2 writes committed changes to
 * its file up to 500 ms later, so a {@code kill -9} loses writes the client already saw succeed;
 * with 0 each commit reaches the operating system before the statement returns.
 */
public final class JdbcUrls {
    private JdbcUrls() {}

    /** The databases whose schema the app knows. */
    public enum Kind { H2, POSTGRESQL }

    /**
     * The kind of database behind a JDBC URL.
     *
     * @throws IllegalArgumentException naming the URL and what is supported
     */
    public static Kind kindOf(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            return Kind.H2;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        throw new IllegalArgumentException("database URL '" + redact(jdbcUrl)
                + "' is not supported: use jdbc:h2:... (embedded or tcp) or jdbc:postgresql://HOST:PORT/DB");
    }

    /**
     * The URL the pool uses: for an embedded H2 file {@code WRITE_DELAY=0} (see above), and for any
     * H2 database {@code LOCK_TIMEOUT=5000} instead of H2's 1 s, so that writers queued on one hot
     * row wait their turn (and get 200 or 412) rather than fail with a timeout. Settings already in
     * the URL are kept.
     */
    public static String forPool(String jdbcUrl) {
        if (kindOf(jdbcUrl) != Kind.H2) {
            return jdbcUrl;
        }
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        boolean embeddedFile = !lower.startsWith("jdbc:h2:mem:") && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:");
        String url = jdbcUrl;
        if (embeddedFile && !lower.contains(";write_delay=")) {
            url += ";WRITE_DELAY=0";
        }
        if (!lower.contains(";lock_timeout=")) {
            url += ";LOCK_TIMEOUT=5000";
        }
        return url;
    }

    /** The embedded H2 URL of a database file {@code base} (H2 adds {@code .mv.db}). */
    public static String h2File(Path base) {
        return "jdbc:h2:file:" + base.toAbsolutePath().normalize() + ";WRITE_DELAY=0";
    }

    /** The URL as it may appear in logs and errors: any password parameter blanked out. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
