package dev.roundtrip.app.users;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of {@code GET /users} starts: after the user with id {@code afterId}. Keyset
 * pagination over the primary key keeps pages stable while users are inserted (new users have
 * larger ids, so they can only appear at the end) and costs one index range scan per page,
 * however deep the page. On the wire the cursor is opaque: base64url of {@code "u:<id>"}.
 *
 * @param afterId the last id of the previous page, 0 for the first page
 */
public record PageCursor(long afterId) {
    public static final PageCursor FIRST = new PageCursor(0);
    private static final String PREFIX = "u:";
    private static final int MAX_ENCODED_CHARS = 32;

    public PageCursor {
        if (afterId < 0) {
            throw new IllegalArgumentException("cursor position must not be negative: " + afterId);
        }
    }

    /** The opaque form clients pass back in {@code ?cursor=}. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + afterId).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads a cursor a client sent back.
     *
     * @throws IllegalArgumentException when the text is not a cursor this server issued
     */
    public static PageCursor decode(String text) {
        if (text.isEmpty() || text.length() > MAX_ENCODED_CHARS) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
        if (!decoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
        String digits = decoded.substring(PREFIX.length());
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("cursor is not one this server issued");
        }
        return new PageCursor(Long.parseLong(digits));
    }
}
