package dev.roundtrip.trace;

/**
 * One HTTP header field as it was sent or received: the name keeps the case it travelled with
 * (HTTP/2 names are always lower-case, and its pseudo-headers start with ':').
 */
public record Header(String name, String value) {
    public Header {
        String token = name != null && name.startsWith(":") ? name.substring(1) : name;
        if (token == null || token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 0x7f)) {
            throw new IllegalArgumentException("header name '" + name + "' is not a token (RFC 9110 section 5.1)");
        }
        if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("header '" + name + "': the value may not contain CR, LF or NUL");
        }
    }

    /**
     * Parses a header as curl's {@code -H} takes it: {@code "Name: value"}.
     *
     * @throws IllegalArgumentException naming the text when it has no colon or a bad name
     */
    public static Header parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("-H '" + text + "': expected 'Name: value'");
        }
        return new Header(text.substring(0, colon).strip(), text.substring(colon + 1).strip());
    }
}
