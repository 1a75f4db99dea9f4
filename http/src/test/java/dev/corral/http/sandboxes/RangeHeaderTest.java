package dev.corral.http.sandboxes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.files.ByteRange;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RangeHeaderTest {
    @Test
    void parse_oneRangeInItsThreeForms_readsIt() {
        assertThat(RangeHeader.parse("bytes=2-5")).contains(new ByteRange(OptionalLong.of(2), OptionalLong.of(5)));
        assertThat(RangeHeader.parse("bytes=7-")).contains(new ByteRange(OptionalLong.of(7), OptionalLong.empty()));
        assertThat(RangeHeader.parse("Bytes=-3 ")).contains(new ByteRange(OptionalLong.empty(), OptionalLong.of(3)));
    }

    @Test
    void parse_anythingElse_isIgnored() {
        for (String header : new String[] {null, "", "bytes=", "bytes=-", "bytes=5-2", "bytes=0-1,3-4", "lines=1-2",
                "bytes=a-b", "bytes=99999999999999999999-"}) {
            assertThat(RangeHeader.parse(header)).as(String.valueOf(header)).isEmpty();
        }
    }
}
