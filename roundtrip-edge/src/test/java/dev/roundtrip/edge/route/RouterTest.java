package dev.roundtrip.edge.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundtrip.edge.config.RouteConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final RouteConfig users = new RouteConfig(List.of("API.example.com"), "/users", "users");
    private final RouteConfig api = new RouteConfig(List.of("api.example.com", "[2001:db8::1]"), "/", "api");
    private final RouteConfig wildcard = new RouteConfig(List.of("*.example.com"), "/", "sites");
    private final RouteConfig rest = RouteConfig.catchAll("default");

    @Test
    void theFirstRouteWhosePrefixAndHostMatchWins() {
        Router router = new Router(List.of(users, api, wildcard, rest));
        assertThat(router.route("api.example.com", "/users/42")).isSameAs(users);
        assertThat(router.route("API.Example.COM:8443", "/users")).isSameAs(users);
        assertThat(router.route("api.example.com", "/orders")).isSameAs(api);
        assertThat(router.route("[2001:db8::1]:443", "/")).isSameAs(api);
        assertThat(router.route("www.example.com", "/users")).isSameAs(wildcard);
        assertThat(router.route("example.com", "/")).isSameAs(rest);
        assertThat(router.route(null, "/")).isSameAs(rest);
        assertThat(new Router(List.of(rest)).route(null, "/any")).as("only a catch-all: no Host needed").isSameAs(rest);
    }

    @Test
    void withoutACatchAllAnUnknownHostHasNoRoute() {
        Router router = new Router(List.of(users, api, wildcard));
        assertThat(router.route("example.org", "/")).isNull();
        assertThat(router.route(null, "/")).isNull();
        assertThat(router.route("example.com", "/")).as("*.example.com needs a label before the domain").isNull();
    }

    @Test
    void aRouteIsAValueWithItsLabelMadeOnce() {
        RouteConfig again = new RouteConfig(List.of("api.example.com"), "/users", "users");
        assertThat(again).isEqualTo(users).hasSameHashCodeAs(users);
        assertThat(again).isNotEqualTo(new RouteConfig(List.of("api.example.com"), "/users", "other"));
        assertThat(users.label()).isEqualTo("api.example.com/users").isSameAs(users.label());
        assertThat(api.label()).isEqualTo("api.example.com,[2001:db8::1]/");
    }
}
