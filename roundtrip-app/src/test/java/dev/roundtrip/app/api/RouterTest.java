package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
    @Test
    void routesEveryOperation() {
        assertThat(Router.route("GET", "/users")).isEqualTo(new Route.ListUsers());
        assertThat(Router.route("HEAD", "/users")).isEqualTo(new Route.ListUsers());
        assertThat(Router.route("POST", "/users")).isEqualTo(new Route.CreateUser());
        assertThat(Router.route("GET", "/users/42")).isEqualTo(new Route.GetUser(42));
        assertThat(Router.route("PUT", "/users/42")).isEqualTo(new Route.UpdateUser(42));
        assertThat(Router.route("DELETE", "/users/42")).isEqualTo(new Route.DeleteUser(42));
        assertThat(Router.route("GET", "/healthz")).isEqualTo(new Route.Health());
    }

    @Test
    void refusesWhatItDoesNotServe() {
        assertThat(Router.route("DELETE", "/users")).isEqualTo(new Route.MethodNotAllowed("DELETE", "GET, HEAD, POST"));
        assertThat(Router.route("PATCH", "/users/1")).isEqualTo(new Route.MethodNotAllowed("PATCH", "GET, HEAD, PUT, DELETE"));
        assertThat(Router.route("POST", "/healthz")).isEqualTo(new Route.MethodNotAllowed("POST", "GET, HEAD"));
        for (String path : new String[] {"/users/0", "/users/-1", "/users/1.5", "/users/+1", "/users/abc", "/users/",
                "/users/1/", "/users/9999999999999999999", "/", "/user", "/users/1/x"}) {
            assertThat(Router.route("GET", path)).as(path).isInstanceOf(Route.NotFound.class);
        }
    }

    @Test
    void longPathsAreShortenedInTheReason() {
        Route r = Router.route("GET", "/" + "x".repeat(5000));
        assertThat(((Route.NotFound) r).reason()).hasSizeLessThan(200);
    }
}
