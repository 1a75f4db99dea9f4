package dev.corral.core.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CursorTest {
    @Test
    void encodeDecode_roundTrips() {
        var cursor = new Cursor(Instant.ofEpochMilli(1_767_225_600_123L), "sandbox-abc123def456");

        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void decode_garbage_isBadRequest() {
        for (String token : List.of("", "!!!", "aGVsbG8", "OmlkLW9ubHk", "eDp5")) {
            assertThatThrownBy(() -> Cursor.decode(token)).as(token)
                    .isInstanceOfSatisfying(CorralException.class, e ->
                            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    @Test
    void fromOverfetch_extraRowMeansMore() {
        var request = PageRequest.first(2);
        var rows = List.of("a", "b", "c");

        Page<String> page = Page.fromOverfetch(rows, request, s -> new Cursor(Instant.EPOCH, s));

        assertThat(page.items()).containsExactly("a", "b");
        assertThat(page.next()).contains(new Cursor(Instant.EPOCH, "b"));
        assertThat(Page.fromOverfetch(List.of("a", "b"), request, s -> new Cursor(Instant.EPOCH, s)).hasMore())
                .isFalse();
    }
}
