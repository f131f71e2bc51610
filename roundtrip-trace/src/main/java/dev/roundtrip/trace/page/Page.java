package dev.roundtrip.trace.page;

/**
 * A page of {@code objects} objects of {@code bytes} bytes each, object {@code i} at
 * {@code base + i + "?bytes=" + bytes} (the app's {@code /objects/{i}} endpoint, through the
 * balancer).
 *
 * @param base the URL every object's number is appended to, e.g. {@code https://api.example.com/objects/}
 * @param objects how many objects, 1 to 1000
 * @param bytes each object's size, 0 to 1 MiB
 */
public record Page(String base, int objects, int bytes) {
    public Page {
        if (base == null || !base.startsWith("https://") || !base.endsWith("/")) {
            throw new IllegalArgumentException("page base " + base + ": expected an https:// URL ending in /");
        }
        if (objects < 1 || objects > 1000) {
            throw new IllegalArgumentException("objects " + objects + ": allowed 1 to 1000");
        }
        if (bytes < 0 || bytes > (1 << 20)) {
            throw new IllegalArgumentException("bytes " + bytes + ": allowed 0 to 1048576");
        }
    }

    /** Object {@code i}'s URL. */
    public String url(int i) {
        return base + i + "?bytes=" + bytes;
    }

    /** The page's body bytes, all objects together. */
    public long totalBytes() {
        return (long) objects * bytes;
    }
}
