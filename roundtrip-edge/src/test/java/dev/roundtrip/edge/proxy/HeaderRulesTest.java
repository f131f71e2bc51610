package dev.roundtrip.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ServerTiming;
import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.http.ConnectionInfo;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {
    @Test
    void traceparentIsKeptWhenValidAndStartedOtherwise() {
        String ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(TraceContext.isValid(ok)).isTrue();
        assertThat(TraceContext.isValid(ok.toUpperCase())).isFalse();
        assertThat(TraceContext.isValid("ff" + ok.substring(2))).isFalse();
        assertThat(TraceContext.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceContext.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
        assertThat(TraceContext.isValid("00-4bf92f3577b34da6a3ce929d0e0e473x-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceContext.isValid(ok + "-")).isFalse();
        HttpHeaders h = new DefaultHttpHeaders().set("traceparent", "garbage").set("tracestate", "a=b");
        String fresh = TraceContext.ensure(h).toString();
        assertThat(TraceContext.isValid(fresh)).isTrue();
        assertThat(h.get("traceparent")).isEqualTo(fresh);
        assertThat(h.contains("tracestate")).isFalse();
        HttpHeaders kept = new DefaultHttpHeaders().set("traceparent", ok).set("tracestate", "a=b");
        assertThat(TraceContext.ensure(kept)).isEqualTo(ok);
        assertThat(kept.get("tracestate")).isEqualTo("a=b");
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesAreRemovedWhateverTheirCase() {
        HttpHeaders request = new DefaultHttpHeaders().add("Host", "a.example").add("CONNECTION", "close, X-Secret")
                .add("x-secret", "1").add("Keep-Alive", "timeout=5").add("TE", "trailers").add("Expect", "100-continue")
                .add("X-Http2-Stream-Id", "3").add("Accept", "*/*").add("Upgrade", "h2c").add("X-Kept", "yes");
        ConnectionInfo conn = new ConnectionInfo(new InetSocketAddress("198.18.0.7", 50000), new InetSocketAddress("198.18.0.1", 443),
                true, "", "http/1.1");
        ForwardedHeaders.forUpstream(request, conn, AddedHeader.ALL);
        assertThat(names(request)).containsExactly("host", "accept", "x-kept", "x-forwarded-for", "x-forwarded-proto",
                "x-forwarded-host", "forwarded", "via");
        assertThat(request.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(request.get("forwarded")).isEqualTo("for=198.18.0.7;host=a.example;proto=https");
        assertThat(request.get("via")).isEqualTo("1.1 roundtrip");

        HttpHeaders response = new DefaultHttpHeaders().add("Content-Length", "3").add("connection", "keep-alive")
                .add("Keep-Alive", "timeout=5").add("Proxy-Authenticate", "Basic").add("Via", "1.0 origin").add("X-Http2-Stream-Id", "3");
        ForwardedHeaders.forDownstream(response, "2", AddedHeader.ALL);
        assertThat(names(response)).containsExactlyInAnyOrder("content-length", "via", "x-http2-stream-id");
        assertThat(response.get("via")).isEqualTo("1.0 origin, 2 roundtrip");

        HttpHeaders v6 = new DefaultHttpHeaders().add("Host", "a.example:8443").add("X-Forwarded-For", "198.18.0.99");
        ForwardedHeaders.forUpstream(v6, new ConnectionInfo(new InetSocketAddress("2001:db8::7%1", 50000),
                new InetSocketAddress("::1", 8443), false, "", "h2c"), AddedHeader.ALL);
        assertThat(v6.get("forwarded")).isEqualTo("for=\"[2001:db8::7]\";host=\"a.example:8443\";proto=http");
        assertThat(v6.get("x-forwarded-for")).isEqualTo("198.18.0.99, 2001:db8::7");
        assertThat(v6.get("via")).isEqualTo("2 roundtrip");

        HttpHeaders plain = new DefaultHttpHeaders().add("Date", "today");
        ForwardedHeaders.forDownstream(plain, "1.1", AddedHeader.ALL);
        assertThat(names(plain)).containsExactly("date", "via");
    }

    @Test
    void everyHopByHopHeaderGoesBothWaysAndTheConversionHeadersGoFromRequests() {
        List<String> hopByHop = List.of("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
                "Upgrade", "Proxy-Authenticate", "Proxy-Authorization");
        HttpHeaders response = new DefaultHttpHeaders().add("Server", "origin").add("Content-Type", "text/plain");
        hopByHop.forEach(name -> response.add(name, "x"));
        ForwardedHeaders.forDownstream(response, "1.1", AddedHeader.NONE);
        assertThat(names(response)).containsExactly("server", "content-type");

        HttpHeaders request = new DefaultHttpHeaders().add("Host", "a.example").add("User-Agent", "curl");
        hopByHop.forEach(name -> request.add(name, "x"));
        request.add("Expect", "100-continue");
        for (HttpConversionUtil.ExtensionHeaderNames conversion : HttpConversionUtil.ExtensionHeaderNames.values()) {
            request.add(conversion.text(), "1");
        }
        ConnectionInfo conn = new ConnectionInfo(new InetSocketAddress("198.18.0.7", 50000), new InetSocketAddress("198.18.0.1", 443),
                true, "", "h2");
        ForwardedHeaders.forUpstream(request, conn, AddedHeader.NONE);
        assertThat(names(request)).containsExactly("host", "user-agent");
    }

    @Test
    void aListenerAddsOnlyTheHeadersItNamesAndHopByHopHeadersGoWhateverItNames() {
        ConnectionInfo conn = new ConnectionInfo(new InetSocketAddress("198.18.0.7", 50000), new InetSocketAddress("198.18.0.1", 80),
                false, "", "http/1.1");
        HttpHeaders none = new DefaultHttpHeaders().add("Host", "a.example").add("Connection", "keep-alive").add("X-Forwarded-For", "198.18.0.99")
                .add("Via", "1.1 first").add("traceparent", "not-checked");
        ForwardedHeaders.forUpstream(none, conn, AddedHeader.NONE);
        assertThat(names(none)).containsExactly("host", "x-forwarded-for", "via", "traceparent");
        assertThat(none.get("x-forwarded-for")).isEqualTo("198.18.0.99");
        assertThat(none.get("via")).isEqualTo("1.1 first");
        assertThat(TraceContext.of(none, false)).isEqualTo("not-checked"); // passed through as sent, not replaced
        assertThat(TraceContext.of(new DefaultHttpHeaders(), false)).isEqualTo("");

        HttpHeaders some = new DefaultHttpHeaders().add("Host", "a.example");
        ForwardedHeaders.forUpstream(some, conn, EnumSet.of(AddedHeader.X_FORWARDED_FOR, AddedHeader.FORWARDED));
        assertThat(names(some)).containsExactly("host", "x-forwarded-for", "forwarded");
        assertThat(some.get("forwarded")).isEqualTo("for=198.18.0.7;host=a.example;proto=http");
        assertThat(TraceContext.isValid(TraceContext.of(some, true).toString())).isTrue();
        assertThat(TraceContext.isValid(some.get("traceparent"))).isTrue();

        HttpHeaders response = new DefaultHttpHeaders().add("Connection", "keep-alive").add("Date", "today");
        ForwardedHeaders.forDownstream(response, "1.1", AddedHeader.NONE);
        ForwardedHeaders.addServerTiming(response, 1_500_000, AddedHeader.NONE);
        assertThat(names(response)).containsExactly("date");
        ForwardedHeaders.addServerTiming(response, 1_500_000, EnumSet.of(AddedHeader.SERVER_TIMING));
        assertThat(response.get("server-timing")).isEqualTo("lb;dur=1.500");
    }

    private static List<String> names(HttpHeaders headers) {
        return headers.names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void lbTimingParsesBackAsServerTiming() {
        assertThat(ForwardedHeaders.lbTiming(1_234_567).toString()).isEqualTo("lb;dur=1.234");
        assertThat(ForwardedHeaders.lbTiming(5_000).toString()).isEqualTo("lb;dur=0.005");
        assertThat(ForwardedHeaders.lbTiming(12_050_000).toString()).isEqualTo("lb;dur=12.050");
        assertThat(ForwardedHeaders.lbTiming(987_654_321_000L).toString()).isEqualTo("lb;dur=987654.321");
        assertThat(ForwardedHeaders.lbTiming(-5).toString()).isEqualTo("lb;dur=0.000");
        assertThat(ServerTiming.parse(List.of(ForwardedHeaders.lbTiming(2_500_000).toString()))).containsExactly(new ServerTiming("lb", 2.5, ""));
    }

    @Test
    void absoluteFormBecomesOriginForm() {
        assertThat(ForwardedHeaders.originForm("http://a.example/x/y?q=1")).isEqualTo("/x/y?q=1");
        assertThat(ForwardedHeaders.originForm("https://a.example")).isEqualTo("/");
        assertThat(ForwardedHeaders.originForm("http://a.example?q")).isEqualTo("/?q");
        assertThat(ForwardedHeaders.originForm("/plain")).isEqualTo("/plain");
    }
}
