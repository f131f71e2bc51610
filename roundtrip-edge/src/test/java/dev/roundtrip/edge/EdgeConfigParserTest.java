package dev.roundtrip.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.roundtrip.edge.config.AddedHeader;
import dev.roundtrip.edge.config.EdgeConfig;
import dev.roundtrip.edge.config.EdgeConfigException;
import dev.roundtrip.edge.config.EdgeConfigParser;
import dev.roundtrip.edge.config.PolicyConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeConfigParserTest {
    static EdgeConfig parse(String yaml) throws Exception {
        return EdgeConfigParser.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), "", new InetSocketAddress("198.18.0.10", 443));
    }

    static void fails(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(EdgeConfigException.class).hasMessage(message);
    }

    @Test
    void fullFormBuildsListenersRoutesClustersAndEndpoints() throws Exception {
        EdgeConfig c = parse("""
                listeners:
                  - name: public
                    address: 198.18.0.10:443
                    tls: { certificates: [ { names: [api.example.com, "*.example.com"] } ] }
                    routes:
                      - match: { hosts: [api.example.com], path_prefix: /users }
                        cluster: users
                      - cluster: rest
                clusters:
                  - name: users
                    endpoints: [198.18.1.10:8080, "[2001:db8::10]:8080"]
                    policy: hash:cookie:session
                    health_check: { path: /healthz, interval: 2s, timeout: 500ms }
                    outlier_detection: { consecutive_failures: 3, base_ejection_time: 5s }
                    pool: { max_connections: 64, idle_timeout: 10s }
                    timeouts: { connect: 1s, response: 3s }
                    retry_policy: { num_retries: 1, retry_on_methods: [post], retry_budget: { budget_percent: 10 } }
                  - name: rest
                    endpoints: [198.18.1.20:8080]
                admin: { address: 127.0.0.1:9901 }
                limits: { max_body_bytes: 1MiB, header_read_timeout: 5s }
                workers: 2
                """);
        assertThat(c.listeners()).hasSize(1);
        assertThat(c.listeners().getFirst().routes()).extracting(r -> r.cluster()).containsExactly("users", "rest");
        assertThat(c.listeners().getFirst().tls().orElseThrow().certificates().getFirst().names()).containsExactly("api.example.com", "*.example.com");
        var users = c.cluster("users");
        assertThat(users.policy()).isEqualTo(new PolicyConfig.HashCookie("session"));
        assertThat(users.endpoints()).hasSize(2);
        assertThat(users.healthCheck().orElseThrow().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(users.pool().maxConnections()).isEqualTo(64);
        assertThat(users.pool().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(users.responseTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(users.retry().mayRepeat("POST")).isTrue();
        assertThat(c.limits().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.admin()).isPresent();
    }

    @Test
    void transportIsAutoUnlessNamedAndAStrangeOneIsRefused() throws Exception {
        EdgeConfig auto = parse("listen: 127.0.0.1:0\nbackends: [127.0.0.1:8080]");
        assertThat(auto.transport()).isEmpty();
        assertThat(auto.transportOrBest()).isEqualTo(dev.roundtrip.http.Transport.best());
        assertThat(parse("listen: 127.0.0.1:0\nbackends: [127.0.0.1:8080]\ntransport: auto").transport()).isEmpty();
        assertThat(parse("listen: 127.0.0.1:0\nbackends: [127.0.0.1:8080]\ntransport: io_uring").transport())
                .contains(dev.roundtrip.http.Transport.IO_URING);
        assertThat(parse("""
                listeners: [ { address: 127.0.0.1:80 } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:81] } ]
                transport: nio
                """).transportOrBest()).isEqualTo(dev.roundtrip.http.Transport.NIO);
        fails("backends: [198.18.1.10:80]\ntransport: kqueue", "transport: 'kqueue' is not a transport (allowed: auto, epoll, io_uring, nio)");
    }

    @Test
    void aListenerAddsEveryHeaderUnlessItNamesFewerOrNone() throws Exception {
        assertThat(parse("backends: [198.18.1.10:8080]").listeners().getFirst().addHeaders()).isEqualTo(AddedHeader.ALL);
        assertThat(parse("backends: [198.18.1.10:8080]\nadd_headers: none").listeners().getFirst().addHeaders()).isEmpty();
        assertThat(parse("backends: [198.18.1.10:8080]\nadd_headers: []").listeners().getFirst().addHeaders()).isEmpty();
        assertThat(parse("backends: [198.18.1.10:8080]\nadd_headers: All").listeners().getFirst().addHeaders()).isEqualTo(AddedHeader.ALL);
        EdgeConfig full = parse("""
                listeners:
                  - { name: public, address: 198.18.0.10:80, add_headers: [X-Forwarded-For, server-timing] }
                  - { name: internal, address: 198.18.0.10:81 }
                clusters: [ { name: app, endpoints: [198.18.1.10:8080] } ]
                """);
        assertThat(full.listeners().get(0).addHeaders()).containsExactly(AddedHeader.X_FORWARDED_FOR, AddedHeader.SERVER_TIMING);
        assertThat(full.listeners().get(1).addHeaders()).isEqualTo(AddedHeader.ALL);
        fails("backends: [198.18.1.10:8080]\nadd_headers: [via, x-real-ip]", "add_headers: 'x-real-ip' is not a header the balancer adds "
                + "(allowed: all, none, or a list of x-forwarded-for, x-forwarded-proto, x-forwarded-host, forwarded, via, traceparent, server-timing)");
        fails("""
                listeners: [ { address: 127.0.0.1:80, mode: tcp, add_headers: none } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:81] } ]
                """, "listeners[0].add_headers: does not apply to mode tcp, which relays bytes without reading them (TLS terminates at the backends; "
                + "allowed with mode tcp: cluster, idle_timeout)");
    }

    @Test
    void shortFormUsesTheDefaultListenAddress() throws Exception {
        EdgeConfig c = parse("backends: [198.18.1.10:8080]\ntls: true\npolicy: least-request");
        assertThat(c.listeners().getFirst().address()).isEqualTo(new InetSocketAddress("198.18.0.10", 443));
        assertThat(c.listeners().getFirst().tls()).isPresent();
        assertThat(c.cluster("default").policy()).isEqualTo(new PolicyConfig.LeastRequest());
    }

    @Test
    void topologyServiceListensOnTheHostAndDefaultsToTlsOn443() throws Exception {
        var settings = new ObjectMapper(new YAMLFactory()).readTree("server_names: [api.example.com]\nbackends: [198.18.2.10:8080]");
        var host = new dev.roundtrip.core.topology.Host("lb.example.com", java.net.InetAddress.getByName("198.18.1.5"), "", List.of());
        var spec = new dev.roundtrip.core.topology.ServiceSpec(dev.roundtrip.core.topology.ServiceType.LOAD_BALANCER, 443, settings,
                "hosts[3].services[0]");
        EdgeConfig c = EdgeConfigParser.fromTopology(host, spec, "topo.yaml");
        assertThat(c.listeners().getFirst().address()).isEqualTo(new InetSocketAddress("198.18.1.5", 443));
        assertThat(c.listeners().getFirst().tls().orElseThrow().certificates().getFirst().names())
                .containsExactly("api.example.com", "198.18.1.5");
        var bad = new dev.roundtrip.core.topology.ServiceSpec(dev.roundtrip.core.topology.ServiceType.LOAD_BALANCER, 443,
                new ObjectMapper(new YAMLFactory()).readTree("backends: [198.18.2.10:8080]\npolicy: random"), "hosts[3].services[0]");
        assertThatThrownBy(() -> EdgeConfigParser.fromTopology(host, bad, "topo.yaml"))
                .isInstanceOf(dev.roundtrip.core.topology.TopologyException.class)
                .hasMessage("topo.yaml: hosts[3].services[0].policy: 'random' is not a policy "
                        + "(allowed: round-robin, least-request, peak-ewma, hash:header:NAME, hash:cookie:NAME, hash:source-ip)");
    }

    @Test
    void websocketLimitsHaveSafeDefaultsAndParse() throws Exception {
        assertThat(parse("listen: 127.0.0.1:0\nbackends: [127.0.0.1:8080]").websocket())
                .isEqualTo(dev.roundtrip.edge.config.WebSocketConfig.DEFAULTS);
        EdgeConfig c = parse("""
                listen: 127.0.0.1:0
                backends: [127.0.0.1:8080]
                websocket: { idle_timeout: 30s, max_lifetime: 1h, max_frame_bytes: 64KiB, max_tunnels: 50 }
                """);
        assertThat(c.websocket()).isEqualTo(new dev.roundtrip.edge.config.WebSocketConfig(
                java.time.Duration.ofSeconds(30), java.time.Duration.ofHours(1), 64 * 1024, 50));
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatIsAllowed() {
        fails("backends: [198.18.1.10:8080, 10.0.0.1:80]", "backends[1]: '10.0.0.1:80' is neither a lab address nor loopback"
                + " (allowed: 198.18.0.0/15 or 2001:db8::/32, or 127.0.0.0/8 and ::1)");
        fails("backends: [198.18.1.10:8080]\npolicy: fastest",
                "policy: 'fastest' is not a policy (allowed: round-robin, least-request, peak-ewma, hash:header:NAME, hash:cookie:NAME, hash:source-ip)");
        fails("backends: [198.18.1.10]", "backends[0]: '198.18.1.10': expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"
                + " (allowed: ADDR:PORT with an IP address, e.g. 198.18.0.10:443)");
        fails("backends: [198.18.1.10:80]\nhealth_check: { interval: 2x }",
                "health_check.interval: '2x' is not a duration (allowed: e.g. 500ms, 2s, 1.5s, 1m)");
        fails("backends: [198.18.1.10:80]\nretry_policy: { num_retries: 50 }", "retry_policy.num_retries: '50' is outside 0-10");
        fails("backends: [198.18.1.10:80]\nbackend: [x]", "backend: unknown key (allowed: access_log, add_headers, admin, backends, health_check, http2, http3, "
                + "limits, listen, mode, outlier_detection, policy, pool, proxy_protocol, retry_policy, server_names, timeouts, tls, transport, upstream_protocol, websocket, workers)");
        fails("backends: [198.18.1.10:80]\nwebsocket: { idle_timeout: 5ms }",
                "websocket.idle_timeout: '5ms' is outside the allowed range 10ms to 7d");
        fails("backends: [198.18.1.10:80]\nwebsocket: { max_frame_bytes: 64 }",
                "websocket.max_frame_bytes: '64' is outside the allowed range 125 to 64MiB");
        fails("backends: [198.18.1.10:80]\nwebsocket: { max_tunnel: 5 }",
                "websocket.max_tunnel: unknown key (allowed: idle_timeout, max_frame_bytes, max_lifetime, max_tunnels)");
        fails("""
                listeners: [ { address: 127.0.0.1:80, routes: [ { cluster: nope } ] } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:81] } ]
                """, "listeners[0].routes[0].cluster: 'nope' is not a cluster (allowed: app)");
        fails("""
                listeners: [ { address: 127.0.0.1:80 } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:81] } ]
                limits: { max_body_bytes: lots }
                """, "limits.max_body_bytes: 'lots' is not a size (allowed: bytes, or e.g. 64KiB, 10MiB)");
        fails("""
                listeners: [ { address: 127.0.0.1:80, tls: { certificates: [ { cert: /a.pem } ] } } ]
                clusters: [ { name: app, endpoints: [127.0.0.1:81] } ]
                """, "listeners[0].tls.certificates[0].key: is missing (cert and key come together; leave both out to use the local CA)");
    }
}
