package dev.roundtrip.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.core.timeline.ServerTiming;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
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
        String fresh = TraceContext.ensure(h);
        assertThat(TraceContext.isValid(fresh)).isTrue();
        assertThat(h.get("traceparent")).isEqualTo(fresh);
        assertThat(h.contains("tracestate")).isFalse();
        HttpHeaders kept = new DefaultHttpHeaders().set("traceparent", ok).set("tracestate", "a=b");
        assertThat(TraceContext.ensure(kept)).isEqualTo(ok);
        assertThat(kept.get("tracestate")).isEqualTo("a=b");
    }

    @Test
    void lbTimingParsesBackAsServerTiming() {
        assertThat(ProxyExchange.lbTiming(1_234_567)).isEqualTo("lb;dur=1.234");
        assertThat(ProxyExchange.lbTiming(5_000)).isEqualTo("lb;dur=0.005");
        assertThat(ProxyExchange.lbTiming(12_050_000)).isEqualTo("lb;dur=12.050");
        assertThat(ServerTiming.parse(List.of(ProxyExchange.lbTiming(2_500_000)))).containsExactly(new ServerTiming("lb", 2.5, ""));
    }

    @Test
    void absoluteFormBecomesOriginForm() {
        assertThat(ForwardedHeaders.originForm("http://a.example/x/y?q=1")).isEqualTo("/x/y?q=1");
        assertThat(ForwardedHeaders.originForm("https://a.example")).isEqualTo("/");
        assertThat(ForwardedHeaders.originForm("http://a.example?q")).isEqualTo("/?q");
        assertThat(ForwardedHeaders.originForm("/plain")).isEqualTo("/plain");
    }
}
