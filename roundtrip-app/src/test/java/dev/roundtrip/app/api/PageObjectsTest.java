package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageObjectsTest {
    @Test
    void routesObjectsForReadingOnly() {
        assertThat(Router.route("GET", "/objects/0")).isEqualTo(new Route.PageObject(0));
        assertThat(Router.route("HEAD", "/objects/49")).isEqualTo(new Route.PageObject(49));
        assertThat(Router.route("POST", "/objects/1")).isEqualTo(new Route.MethodNotAllowed("POST", "GET, HEAD"));
        for (String path : new String[] {"/objects/", "/objects/-1", "/objects/x", "/objects/1000001", "/objects/1/2"}) {
            assertThat(Router.route("GET", path)).as(path).isInstanceOf(Route.NotFound.class);
        }
    }

    @Test
    void anObjectIsTheSameBytesEveryTimeAndCacheable() {
        ApiResponse a = PageObjects.serve(7, Optional.of("5000"), Optional.empty());
        ApiResponse b = PageObjects.serve(7, Optional.of("5000"), Optional.empty());
        ApiResponse other = PageObjects.serve(8, Optional.of("5000"), Optional.empty());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).hasSize(5000).isEqualTo(b.body()).isNotEqualTo(other.body());
        assertThat(a.headers()).containsEntry("cache-control", "public, max-age=31536000, immutable")
                .containsEntry("etag", "\"obj-7-5000\"").containsEntry("content-type", "application/octet-stream");
        assertThat(PageObjects.serve(7, Optional.empty(), Optional.empty()).body()).hasSize(PageObjects.DEFAULT_BYTES);
        assertThat(PageObjects.serve(7, Optional.of("0"), Optional.empty()).body()).isEmpty();
        ApiResponse notModified = PageObjects.serve(7, Optional.of("5000"), Optional.of("\"obj-7-5000\""));
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
    }

    @Test
    void sizesAreBounded() {
        assertThat(PageObjects.serve(1, Optional.of(Integer.toString(PageObjects.MAX_BYTES)), Optional.empty()).body())
                .hasSize(PageObjects.MAX_BYTES);
        for (String bad : new String[] {"1048577", "-1", "12k", "", "99999999999999999999"}) {
            assertThatThrownBy(() -> PageObjects.serve(1, Optional.of(bad), Optional.empty())).as(bad)
                    .isInstanceOf(ApiException.class).hasMessageContaining("expected a whole number from 0 to 1048576");
        }
    }
}
