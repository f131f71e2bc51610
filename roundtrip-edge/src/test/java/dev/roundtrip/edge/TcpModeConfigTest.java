package dev.roundtrip.edge;

import static dev.roundtrip.edge.EdgeConfigParserTest.fails;
import static dev.roundtrip.edge.EdgeConfigParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.ListenerConfig;
import dev.roundtrip.edge.config.PolicyConfig;
import dev.roundtrip.edge.config.ProxyProtocol;
import dev.roundtrip.edge.config.TcpProxyConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The YAML of listeners in mode tcp: what is accepted, and errors naming key, value and what is allowed. */
class TcpModeConfigTest {

    @Test
    void fullFormMixesTcpAndHttpListenersOverTheSameClusters() throws Exception {
        EdgeConfig c = parse("""
                listeners:
                  - { name: web, address: 127.0.0.1:8080, routes: [ { cluster: app } ] }
                  - { name: raw, address: 127.0.0.1:8443, mode: tcp, cluster: app, idle_timeout: 5m }
                  - { name: db, address: 127.0.0.1:5432, mode: tcp, cluster: db }
                clusters:
                  - { name: app, endpoints: [127.0.0.1:9001, 127.0.0.1:9002], policy: least-request, proxy_protocol: v2 }
                  - { name: db, endpoints: [127.0.0.1:9101], policy: hash:source-ip }
                """);
        ListenerConfig raw = c.listeners().get(1);
        assertThat(raw.tcpProxy()).contains(new TcpProxyConfig("app", Duration.ofMinutes(5)));
        assertThat(raw.routes()).isEmpty();
        assertThat(c.listeners().get(0).tcpProxy()).isEmpty();
        assertThat(c.listeners().get(2).tcpProxy().orElseThrow().idleTimeout()).isEqualTo(TcpProxyConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(c.cluster("app").proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(c.cluster("db").proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(c.cluster("db").policy()).isEqualTo(new PolicyConfig.HashSourceIp());
    }

    @Test
    void aReloadLeavesTcpListenersAndTheirClustersAsTheyAre() throws Exception {
        String base = """
                listeners:
                  - { name: web, address: 127.0.0.1:8080, routes: [ { cluster: app } ] }
                  - { name: raw, address: 127.0.0.1:8443, mode: tcp, cluster: db }
                clusters:
                  - { name: app, endpoints: [127.0.0.1:9001] }
                  - { name: db, endpoints: [127.0.0.1:9101] }
                """;
        EdgeConfig running = parse(base);
        assertThat(LoadBalancer.tcpChange(running, parse(base.replace("127.0.0.1:9001]", "127.0.0.1:9001, 127.0.0.1:9002]")))).isNull();
        assertThat(LoadBalancer.tcpChange(running, parse(base.replace("127.0.0.1:9101]", "127.0.0.1:9102]"))))
                .isEqualTo("cluster db changed, which tcp listener raw uses: tcp listeners and their clusters change only at the next start");
        assertThat(LoadBalancer.tcpChange(running, parse(base.replace("8443", "8444"))))
                .startsWith("tcp listeners changed");
    }

    @Test
    void shortFormAndTheOnlyClusterAsDefault() throws Exception {
        EdgeConfig s = parse("listen: 127.0.0.1:7000\nmode: tcp\nbackends: [127.0.0.1:9001]\nidle_timeout: 30s");
        assertThat(s.listeners().getFirst().tcpProxy()).contains(new TcpProxyConfig("default", Duration.ofSeconds(30)));
        EdgeConfig f = parse("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp } ]
                clusters: [ { name: only, endpoints: [127.0.0.1:9001] } ]
                """);
        assertThat(f.listeners().getFirst().tcpProxy().orElseThrow().cluster()).isEqualTo("only");
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatIsAllowed() {
        fails("listen: 127.0.0.1:7000\nmode: udp\nbackends: [127.0.0.1:9001]", "mode: 'udp' is not a listener mode (allowed: http, tcp)");
        fails("listen: 127.0.0.1:7000\nmode: tcp\npolicy: hash:cookie:session\nbackends: [127.0.0.1:9001]",
                "policy: 'hash:cookie:session' needs HTTP, but mode tcp never reads headers or cookies (allowed at L4: "
                        + "round-robin, least-request (counts connections), peak-ewma (of connect times), hash:source-ip)");
        fails("listen: 127.0.0.1:7000\nmode: tcp\ntls: true\nbackends: [127.0.0.1:9001]",
                "tls: does not apply to mode tcp, which relays bytes without reading them (TLS terminates at the backends; "
                        + "allowed with mode tcp: cluster, idle_timeout)");
        fails("listen: 127.0.0.1:7000\nmode: tcp\nbackends: [127.0.0.1:9001]\nretries: 3",
                "retries: unknown key (allowed: access_log, admin, backends, health_check, idle_timeout, limits, listen, mode, "
                        + "outlier_detection, policy, pool, proxy_protocol, retry_policy, timeouts, transport, upstream_protocol, workers)");
        fails("backends: [127.0.0.1:9001]\nproxy_protocol: v1", "proxy_protocol: 'v1' is not a PROXY protocol version (allowed: none, v2)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp, cluster: web } ]
                clusters:
                  - { name: web, endpoints: [127.0.0.1:9001], policy: "hash:header:x-user" }
                """, "listeners[0].cluster: cluster 'web' has policy hash:header:x-user, but a listener in mode tcp never reads headers "
                + "or cookies (allowed at L4: round-robin, least-request (counts connections), peak-ewma (of connect times), hash:source-ip)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp, cluster: nope } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:9001] } ]
                """, "listeners[0].cluster: 'nope' is not a cluster (allowed: app)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp, cluster: app, routes: [ { cluster: app } ] } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:9001] } ]
                """, "listeners[0].routes: does not apply to mode tcp, which relays bytes without reading them (TLS terminates at the "
                + "backends; allowed with mode tcp: cluster, idle_timeout)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp, timeout: 5s } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:9001] } ]
                """, "listeners[0].timeout: unknown key (allowed: address, cluster, idle_timeout, mode, name)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, mode: tcp } ]
                clusters: [ { name: a, endpoints: [127.0.0.1:9001] }, { name: b, endpoints: [127.0.0.1:9002] } ]
                """, "listeners[0].cluster: is missing");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, routes: [ { cluster: app } ] } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:9001], policy: hash:source-ip } ]
                """, "listeners[0].routes[0].cluster: 'app' hashes on hash:source-ip, which only listeners in mode tcp apply "
                + "(allowed for HTTP routes: round-robin, least-request, peak-ewma, hash:header:NAME, hash:cookie:NAME)");
        fails("""
                listeners: [ { address: 127.0.0.1:7000, cluster: app, routes: [ { cluster: app } ] } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:9001] } ]
                """, "listeners[0].cluster: unknown key (allowed: add_headers, address, http2, http3, mode, name, routes, tls)");
    }
}
