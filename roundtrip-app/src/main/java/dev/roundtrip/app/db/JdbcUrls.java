package dev.roundtrip.app.db;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which databases the app tier speaks to, and the one adjustment it makes to their URLs: an
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

    /** The URL with {@code WRITE_DELAY=0} added when it names an embedded H2 file that lacks a setting. */
    public static String durable(String jdbcUrl) {
        if (kindOf(jdbcUrl) != Kind.H2) {
            return jdbcUrl;
        }
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        boolean embeddedFile = !lower.startsWith("jdbc:h2:mem:") && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:");
        if (!embeddedFile || lower.contains(";write_delay=")) {
            return jdbcUrl;
        }
        return jdbcUrl + ";WRITE_DELAY=0";
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
