package dev.roundtrip.app.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code GET /objects/{i}?bytes=N}: the static objects of a web page (images, scripts, styles),
 * for experiments that load many of them at once (the lab's head-of-line experiment). Object
 * {@code i} of a given size is always the same bytes (a pseudo-random stream seeded by {@code i},
 * so nothing compresses it and every protocol can be checked to deliver the same body), served
 * with the headers of a fingerprinted static asset: immutable, cacheable for a year, a strong
 * ETag. No database, no state: a pure function of the request, decided here.
 */
public final class PageObjects {
    /** The largest object served, so a request cannot make the app build an unbounded body. */
    public static final int MAX_BYTES = 1 << 20;
    /** The size when the request does not say. */
    public static final int DEFAULT_BYTES = 16 * 1024;
    /** Object numbers are 0 to this, inclusive. */
    public static final long MAX_INDEX = 1_000_000;

    private PageObjects() {}

    /** The object's bytes: deterministic in {@code index} and {@code size}. */
    public static byte[] body(long index, int size) {
        byte[] out = new byte[size];
        new SplittableRandom(index).nextBytes(out);
        return out;
    }

    /**
     * The answer to {@code GET|HEAD /objects/{index}} with the {@code bytes} query parameter.
     *
     * @throws ApiException 400 when {@code bytes} is not a whole number from 0 to {@value #MAX_BYTES}
     */
    static ApiResponse serve(long index, Optional<String> bytes, Optional<String> ifNoneMatch) {
        int size = bytes.map(PageObjects::parseSize).orElse(DEFAULT_BYTES);
        String etag = "\"obj-" + index + "-" + size + "\"";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/octet-stream");
        headers.put("cache-control", "public, max-age=31536000, immutable");
        headers.put("etag", etag);
        if (ifNoneMatch.isPresent() && ifNoneMatch.get().contains(etag)) {
            return ApiResponse.empty(304, headers);
        }
        return new ApiResponse(200, headers, body(index, size));
    }

    private static int parseSize(String text) {
        long size = Router.parseId(text);
        if (size < 0 || size > MAX_BYTES) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "bytes '" + (text.length() > 20 ? text.substring(0, 20) + "..." : text)
                    + "': expected a whole number from 0 to " + MAX_BYTES);
        }
        return (int) size;
    }
}
