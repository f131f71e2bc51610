package dev.roundtrip.trace;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * One request to trace: what {@code roundtrip trace URL -X METHOD -H ... -d DATA} describes.
 * Validated in one step: the URL is absolute http or https with a host.
 *
 * @param method the request method, upper-case
 * @param url the absolute {@code http://} or {@code https://} URL
 * @param headers extra request headers, sent after Host/User-Agent/Accept (a header given here replaces the default of that name)
 * @param body the request body, empty for none
 */
public record TraceRequest(String method, URI url, List<Header> headers, byte[] body) {

    public TraceRequest {
        if (method == null || method.isBlank() || !method.chars().allMatch(c -> c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("method '" + method + "' is not a token (RFC 9110 section 9.1)");
        }
        method = method.toUpperCase(Locale.ROOT);
        if (url == null || url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("URL '" + url + "': expected http:// or https://");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("URL '" + url + "' has no host");
        }
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** A GET of {@code url} with no extra headers. */
    public static TraceRequest get(String url) {
        return new TraceRequest("GET", parseUrl(url), List.of(), new byte[0]);
    }

    /**
     * Parses a URL as a user types it; {@code api.example.com/users} means {@code http://...} as in curl.
     *
     * @throws IllegalArgumentException naming the text when it is not a URL
     */
    public static URI parseUrl(String text) {
        String t = text.strip();
        if (!t.contains("://")) {
            t = "http://" + t;
        }
        try {
            URI uri = new URI(t);
            if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
                uri = new URI(uri.getScheme(), uri.getRawAuthority(), "/", uri.getRawQuery(), uri.getRawFragment());
                uri = new URI(uri.toString());
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
        }
    }

    public boolean tls() {
        return url.getScheme().equalsIgnoreCase("https");
    }

    /** The URL's host without IPv6 brackets. */
    public String host() {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The URL's port, or the scheme's default (80, 443). */
    public int port() {
        return url.getPort() >= 0 ? url.getPort() : tls() ? 443 : 80;
    }

    /** The request target: path and query, never empty. */
    public String target() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    /** The Host header / :authority: host, with the port only when it is not the scheme's default. */
    public String authority() {
        String h = url.getHost();
        boolean defaultPort = url.getPort() < 0 || url.getPort() == (tls() ? 443 : 80);
        return defaultPort ? h : h + ":" + url.getPort();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceRequest r && method.equals(r.method) && url.equals(r.url)
                && headers.equals(r.headers) && java.util.Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(method, url, headers, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return method + " " + url + " (" + headers.size() + " headers, " + body.length + " body bytes)";
    }
}
