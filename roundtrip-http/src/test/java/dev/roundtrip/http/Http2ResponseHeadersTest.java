package dev.roundtrip.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Http2ResponseHeadersTest {

    /** Names as upstreams send them, the connection-specific ones, and ones the table does not know. */
    private static final List<String> NAMES = List.of("Server", "Date", "Content-Type", "Content-Length", "ETag", "Last-Modified",
            "Cache-Control", "Set-Cookie", "Vary", "Location", "Server-Timing", "traceparent", "Via", "Link", "Alt-Svc",
            "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Host", "Upgrade", "x-http2-stream-id", "x-http2-scheme",
            "x-http2-path", "X-Request-Id", "X-Custom-Thing", "x-lowercase", "P3P", "Connection", "TE", "Cookie");

    @Test
    void aTypicalUpstreamResponseGetsNettysFieldsWithItsLowerCaseNameConstants() {
        HttpResponse response = response(HttpResponseStatus.OK);
        response.headers().add(new AsciiString("Server"), "nginx/1.22.1").add(new AsciiString("Date"), "Thu, 26 Nov 2026 17:30:00 GMT")
                .add(new AsciiString("Content-Type"), "text/plain").add(new AsciiString("Content-Length"), "1024")
                .add(new AsciiString("X-Request-Id"), "abc");

        Http2Headers h2 = Http2ResponseHeaders.of(response);

        assertThat(fields(h2)).isEqualTo(fields(HttpConversionUtil.toHttp2Headers(response, false)));
        assertThat(h2.status()).hasToString("200");
        List<CharSequence> names = new ArrayList<>();
        h2.forEach(e -> names.add(e.getKey()));
        assertThat(names).contains(HttpHeaderNames.SERVER, HttpHeaderNames.DATE, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH);
        assertThat(names.stream().filter(n -> n == HttpHeaderNames.CONTENT_TYPE || n == HttpHeaderNames.DATE)).hasSize(2); // the constants themselves
    }

    @Test
    void connectionSpecificFieldsAreDroppedAndFieldsTheConnectionHeaderNamesToo() {
        HttpResponse response = response(HttpResponseStatus.OK);
        response.headers().add("Transfer-Encoding", "chunked").add("Keep-Alive", "timeout=5").add("Upgrade", "h2c")
                .add("Connection", "keep-alive, X-Hop").add("X-Hop", "1").add("X-End", "2").add("Content-Type", "text/plain");

        Http2Headers h2 = Http2ResponseHeaders.of(response);

        assertThat(fields(h2)).containsExactly(":status=200", "x-end=2", "content-type=text/plain");
    }

    @Test
    void anyMixOfNamesInAnyCaseConvertsAsNettyConvertsIt() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            HttpResponse response = response(HttpResponseStatus.valueOf(200 + random.nextInt(400)));
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                String name = NAMES.get(random.nextInt(NAMES.size()));
                name = switch (random.nextInt(3)) {
                    case 0 -> name.toLowerCase(Locale.ROOT);
                    case 1 -> name.toUpperCase(Locale.ROOT);
                    default -> name;
                };
                String value = name.equalsIgnoreCase("TE") ? "trailers" : name.equalsIgnoreCase("Cookie") ? "a=1; b=2" : "v" + i;
                CharSequence key = random.nextBoolean() ? new AsciiString(name) : name;
                response.headers().add(key, value);
            }
            assertThat(fields(Http2ResponseHeaders.of(response))).as("%s", response.headers())
                    .isEqualTo(fields(HttpConversionUtil.toHttp2Headers(response, false)));
        }
    }

    private static HttpResponse response(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    }

    private static List<String> fields(Http2Headers headers) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            fields.add(e.getKey() + "=" + e.getValue());
        }
        return fields;
    }
}
