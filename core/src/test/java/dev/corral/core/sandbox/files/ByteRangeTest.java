package dev.corral.core.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
    private static ByteRange range(Long first, Long last) {
        return new ByteRange(first == null ? OptionalLong.empty() : OptionalLong.of(first),
                last == null ? OptionalLong.empty() : OptionalLong.of(last));
    }

    @Test
    void resolve_firstToLast_isThoseBytes() {
        assertThat(range(2L, 5L).resolve(10)).contains(new ByteRange.Slice(2, 4));
        assertThat(range(2L, 5L).resolve(10).orElseThrow().last()).isEqualTo(5);
    }

    @Test
    void resolve_lastPastTheEnd_stopsAtTheEnd() {
        assertThat(range(8L, 100L).resolve(10)).contains(new ByteRange.Slice(8, 2));
        assertThat(range(8L, null).resolve(10)).contains(new ByteRange.Slice(8, 2));
    }

    @Test
    void resolve_suffix_isTheLastBytesOrTheWholeFile() {
        assertThat(range(null, 3L).resolve(10)).contains(new ByteRange.Slice(7, 3));
        assertThat(range(null, 30L).resolve(10)).contains(new ByteRange.Slice(0, 10));
    }

    @Test
    void resolve_nothingOfTheFile_isEmpty() {
        assertThat(range(10L, null).resolve(10)).isEmpty();
        assertThat(range(0L, null).resolve(0)).isEmpty();
        assertThat(range(null, 0L).resolve(10)).isEmpty();
        assertThat(range(null, 5L).resolve(0)).isEmpty();
    }

    @Test
    void new_backwardsOrEmpty_isRefused() {
        assertThatThrownBy(() -> range(5L, 2L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> range(null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
