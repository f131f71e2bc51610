package dev.roundtrip.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Http2RequestHeadTest {

    /** Names as an HTTP/2 decoder passes them on (lower case), with Netty's conversion fields among them. */
    private static final List<String> NAMES = List.of("accept", "accept-encoding", "user-agent", "cookie", "host", "te",
            "trailer", "transfer-encoding", "connection", "content-length", "x-request-id", "x-http2-stream-id", "x-http2-scheme",
            "x-http2-path", "x-http2-protocol", "x-http2-foo", "forwarded", "via");

    @Test
    void aTypicalRequestGetsItsLineHostAndFieldsWithoutConversionFields() throws Exception {
        Http2Headers h2 = new DefaultHttp2Headers().method("GET").path("/users?id=7").scheme("https").authority("api.example.com")
                .add("accept", "*/*").add("cookie", "a=1").add("user-agent", "h2load").add("cookie", "b=2");

        HttpRequest request = Http2RequestHead.of(3, h2);

        assertThat(request.method().name()).isEqualTo("GET");
        assertThat(request.uri()).isEqualTo("/users?id=7");
        assertThat(fields(request)).containsExactly("host=api.example.com", "accept=*/*", "user-agent=h2load", "cookie=a=1; b=2");
    }

    @Test
    void connectTakesItsAuthorityAsTarget() throws Exception {
        HttpRequest request = Http2RequestHead.of(5, new DefaultHttp2Headers().method("CONNECT").authority("db.internal:5432"));
        assertThat(request.uri()).isEqualTo("db.internal:5432");
        assertThat(fields(request)).containsExactly("host=db.internal:5432");
    }

    @Test
    void aRequestWithoutMethodOrPathOrWithConflictingHostIsAStreamError() {
        assertThatThrownBy(() -> Http2RequestHead.of(1, new DefaultHttp2Headers().path("/"))).isInstanceOf(Http2Exception.class);
        assertThatThrownBy(() -> Http2RequestHead.of(1, new DefaultHttp2Headers().method("GET"))).isInstanceOf(Http2Exception.class);
        assertThatThrownBy(() -> Http2RequestHead.of(1, new DefaultHttp2Headers().method("GET").path("/").authority("a.example")
                .add("host", "b.example"))).isInstanceOf(Http2Exception.class);
    }

    @Test
    void anyMixOfFieldsConvertsAsNettyConvertsIt() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 3_000; round++) {
            Http2Headers h2 = new DefaultHttp2Headers(false).method(random.nextInt(10) == 0 ? "POST" : "GET").path("/p" + round)
                    .scheme("https");
            String authority = random.nextInt(4) == 0 ? null : random.nextBoolean() ? "a.example" : "A.example";
            if (authority != null) {
                h2.authority(authority);
            }
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                String name = NAMES.get(random.nextInt(NAMES.size()));
                String value = name.equals("host") ? (random.nextBoolean() ? "a.example" : "b.example") : "v" + i;
                h2.add(new AsciiString(name), value); // a decoder's names are AsciiStrings (Netty finds cookie crumbs by AsciiString.equals)
            }
            Object ours = outcome(() -> Http2RequestHead.of(1, h2));
            Object netty = outcome(() -> {
                HttpRequest r = HttpConversionUtil.toHttpRequest(1, h2, false);
                for (HttpConversionUtil.ExtensionHeaderNames conversion : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    r.headers().remove(conversion.text());
                }
                return r;
            });
            assertThat(ours).as("%s", h2).isEqualTo(netty);
        }
    }

    interface Conversion {
        HttpRequest run() throws Exception;
    }

    /** The request line and fields, or the kind of failure. */
    private static Object outcome(Conversion conversion) {
        try {
            HttpRequest r = conversion.run();
            List<String> all = new ArrayList<>(List.of(r.method() + " " + r.uri()));
            all.addAll(fields(r));
            return all;
        } catch (Exception e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }

    private static List<String> fields(HttpRequest request) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : request.headers()) {
            fields.add(e.getKey() + "=" + e.getValue());
        }
        return fields;
    }
}
