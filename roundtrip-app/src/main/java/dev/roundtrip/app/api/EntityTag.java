package dev.roundtrip.app.api;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The strong entity tag of a user version ({@code "v3"}), and the parsing of the {@code If-Match}
 * and {@code If-None-Match} lists that carry it back (RFC 9110 sections 8.8.3, 13.1.1, 13.1.2).
 */
public final class EntityTag {
    private EntityTag() {}

    /** The tag of a user at {@code version}. */
    public static String of(long version) {
        return "\"v" + version + "\"";
    }

    /** What a precondition header asks for. */
    public sealed interface Condition {
        /** {@code *}: any current version. */
        record Any() implements Condition {}

        /** One of these versions (weak tags never match a strong comparison and are dropped). */
        record Versions(List<Long> versions) implements Condition {}
    }

    /**
     * Parses an {@code If-Match} or {@code If-None-Match} value.
     *
     * @throws ApiException (400) when the value is not a list of entity tags
     */
    public static Condition parse(String headerName, String value) {
        String v = value.strip();
        if (v.equals("*")) {
            return new Condition.Any();
        }
        List<Long> versions = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            String tag = part.strip();
            boolean weak = tag.startsWith("W/");
            if (weak) {
                tag = tag.substring(2);
            }
            if (tag.length() < 2 || !tag.startsWith("\"") || !tag.endsWith("\"")) {
                throw new ApiException(ErrorCode.INVALID_HEADER, headerName + ": '" + shorten(value)
                        + "' is not a list of entity tags such as \"v3\"");
            }
            long version = versionOf(tag.substring(1, tag.length() - 1));
            if (!weak && version > 0) {
                versions.add(version);
            }
        }
        return new Condition.Versions(List.copyOf(versions));
    }

    /** The single version a write may require, empty for {@code *}; -1 for a tag that matches nothing. */
    public static OptionalLong expectedVersion(Condition condition) {
        return switch (condition) {
            case Condition.Any any -> OptionalLong.empty();
            case Condition.Versions(List<Long> versions) when versions.size() == 1 -> OptionalLong.of(versions.getFirst());
            case Condition.Versions(List<Long> versions) when versions.isEmpty() -> OptionalLong.of(-1);
            case Condition.Versions v -> throw new ApiException(ErrorCode.INVALID_HEADER,
                    "If-Match with several entity tags is not supported: send the one tag you read");
        };
    }

    /** Whether {@code condition} matches a resource at {@code version}. */
    public static boolean matches(Condition condition, long version) {
        return switch (condition) {
            case Condition.Any any -> true;
            case Condition.Versions(List<Long> versions) -> versions.contains(version);
        };
    }

    private static long versionOf(String opaque) {
        if (opaque.length() < 2 || opaque.length() > 19 || opaque.charAt(0) != 'v') {
            return -1;
        }
        long version = Router.parseId(opaque.substring(1));
        return version;
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
