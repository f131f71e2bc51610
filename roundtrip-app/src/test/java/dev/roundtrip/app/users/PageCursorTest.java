package dev.roundtrip.app.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageCursorTest {
    @Test
    void roundTrips() {
        for (long id : new long[] {0, 1, 20, 123_456_789_012L, 999_999_999_999_999_999L}) {
            PageCursor cursor = new PageCursor(id);
            assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
            assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
        }
    }

    @Test
    void rejectsCursorsItDidNotIssue() {
        for (String bad : new String[] {"", "nope", "dTo", "dTox!", "eDox", "dTotMQ", "dTox" + "A".repeat(40), "dToxMjM0NTY3ODkwMTIzNDU2Nzg5"}) {
            assertThatThrownBy(() -> PageCursor.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
