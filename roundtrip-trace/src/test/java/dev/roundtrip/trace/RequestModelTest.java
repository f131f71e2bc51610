package dev.roundtrip.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundtrip.trace.client.RequestHeads;
import dev.roundtrip.trace.client.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request side's pure parts: URLs, headers, --connect-to, --http, routes and the header sets sent. */
class RequestModelTest {

    @Test
    void urlsParseAsCurlTakesThem() {
        assertThat(TraceRequest.parseUrl("api.example.com/users").toString()).isEqualTo("http://api.example.com/users");
        assertThat(TraceRequest.parseUrl("https://api.example.com").toString()).isEqualTo("https://api.example.com/");
        TraceRequest r = TraceRequest.get("https://[2001:db8::1]:8443/a?b=c");
        assertThat(r.host()).isEqualTo("2001:db8::1");
        assertThat(r.port()).isEqualTo(8443);
        assertThat(r.target()).isEqualTo("/a?b=c");
        assertThat(r.authority()).isEqualTo("[2001:db8::1]:8443");
        assertThat(TraceRequest.get("https://api.example.com:443/").authority()).isEqualTo("api.example.com");
        assertThatThrownBy(() -> TraceRequest.get("ftp://example.com/")).hasMessageContaining("expected http:// or https://");
        assertThatThrownBy(() -> new TraceRequest("GET POST", TraceRequest.parseUrl("http://a/"), List.of(), new byte[0]))
                .hasMessageContaining("is not a token");
    }

    @Test
    void headersParseLikeCurlsDashH() {
        assertThat(Header.parse("Accept: application/json")).isEqualTo(new Header("Accept", "application/json"));
        assertThat(Header.parse("X-Empty:")).isEqualTo(new Header("X-Empty", ""));
        assertThatThrownBy(() -> Header.parse("no colon")).hasMessageContaining("expected 'Name: value'");
        assertThatThrownBy(() -> new Header("X", "a\r\nInjected: yes")).hasMessageContaining("CR, LF or NUL");
    }

    @Test
    void connectToRulesMatchAndRedirect() {
        ConnectTo rule = ConnectTo.parse("api.example.com:443:127.0.0.1:8443");
        assertThat(rule).isEqualTo(new ConnectTo("api.example.com", 443, "127.0.0.1", 8443));
        assertThat(ConnectTo.parse("::[::1]:")).isEqualTo(new ConnectTo("", -1, "::1", -1));
        assertThatThrownBy(() -> ConnectTo.parse("a:b:c:d")).hasMessageContaining("port 'b' is not a number");
        assertThatThrownBy(() -> ConnectTo.parse("a:1:b")).hasMessageContaining("expected HOST:PORT:ADDR:PORT");

        Route via = Route.of(TraceRequest.get("https://API.example.com/"), List.of(rule));
        assertThat(via).isEqualTo(new Route(true, "API.example.com", 443, "127.0.0.1", 8443));
        assertThat(via.connectsToLiteral()).isTrue();
        Route direct = Route.of(TraceRequest.get("https://api.example.com:8443/"), List.of(rule));
        assertThat(direct.connectHost()).isEqualTo("api.example.com");
        assertThat(direct.connectsToLiteral()).isFalse();
        Route anyHost = Route.of(TraceRequest.get("http://x.test/"), List.of(ConnectTo.parse("::[::1]:")));
        assertThat(anyHost).isEqualTo(new Route(false, "x.test", 80, "::1", 80));
    }

    @Test
    void httpVersionsAndTheirAlpnOffers() {
        assertThat(HttpVersion.parse("1.1").alpnOffer()).containsExactly("http/1.1");
        assertThat(HttpVersion.parse("2").alpnOffer()).containsExactly("h2");
        assertThat(HttpVersion.AUTO.alpnOffer()).containsExactly("h2", "http/1.1");
        assertThat(HttpVersion.parse("3").alpnOffer()).containsExactly("h3");
        assertThat(HttpVersion.parse("auto")).isEqualTo(HttpVersion.ALT_SVC);
        assertThatThrownBy(() -> HttpVersion.parse("4")).hasMessage("--http '4': expected 1.1, 2, 3 or auto");
    }

    @Test
    void theHeadersSentForHttp1AndHttp2() {
        TraceRequest post = new TraceRequest("post", TraceRequest.parseUrl("https://api.example.com/users?x=1"),
                List.of(new Header("Accept", "application/json"), new Header("Connection", "close")), "a=b".getBytes());
        assertThat(RequestHeads.http1(post)).containsExactly(
                new Header("Host", "api.example.com"), new Header("User-Agent", RequestHeads.USER_AGENT),
                new Header("Content-Length", "3"), new Header("Content-Type", "application/x-www-form-urlencoded"),
                new Header("Accept", "application/json"), new Header("Connection", "close"));
        assertThat(RequestHeads.http2(post)).containsExactly(
                new Header(":method", "POST"), new Header(":scheme", "https"), new Header(":authority", "api.example.com"),
                new Header(":path", "/users?x=1"), new Header("user-agent", RequestHeads.USER_AGENT),
                new Header("content-length", "3"), new Header("content-type", "application/x-www-form-urlencoded"),
                new Header("accept", "application/json"));
    }
}
