package dev.roundtrip.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EntityTagTest {
    @Test
    void formatsAndParsesStrongTags() {
        assertThat(EntityTag.of(3)).isEqualTo("\"v3\"");
        assertThat(EntityTag.parse("If-Match", "\"v3\"")).isEqualTo(new EntityTag.Condition.Versions(List.of(3L)));
        assertThat(EntityTag.parse("If-Match", " * ")).isEqualTo(new EntityTag.Condition.Any());
        assertThat(EntityTag.parse("If-None-Match", "\"v1\", \"v2\"")).isEqualTo(new EntityTag.Condition.Versions(List.of(1L, 2L)));
    }

    @Test
    void weakAndForeignTagsMatchNothing() {
        assertThat(EntityTag.parse("If-Match", "W/\"v3\"")).isEqualTo(new EntityTag.Condition.Versions(List.of()));
        assertThat(EntityTag.parse("If-Match", "\"abc\"")).isEqualTo(new EntityTag.Condition.Versions(List.of()));
        assertThat(EntityTag.expectedVersion(EntityTag.parse("If-Match", "\"abc\""))).isEqualTo(OptionalLong.of(-1));
        assertThat(EntityTag.matches(EntityTag.parse("If-None-Match", "W/\"v3\""), 3)).isFalse();
    }

    @Test
    void malformedListsAre400() {
        for (String bad : new String[] {"v3", "\"v3", "", "\"v3\",,"}) {
            assertThatThrownBy(() -> EntityTag.parse("If-Match", bad)).as(bad).isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).code()).isEqualTo(ErrorCode.INVALID_HEADER);
        }
    }

    @Test
    void aWriteNeedsExactlyOneTagOrStar() {
        assertThat(EntityTag.expectedVersion(new EntityTag.Condition.Any())).isEmpty();
        assertThat(EntityTag.expectedVersion(EntityTag.parse("If-Match", "\"v9\""))).hasValue(9);
        assertThatThrownBy(() -> EntityTag.expectedVersion(EntityTag.parse("If-Match", "\"v1\", \"v2\"")))
                .isInstanceOf(ApiException.class);
    }
}
