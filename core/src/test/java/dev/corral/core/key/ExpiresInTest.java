package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiresInTest {
    @Test
    void parse_runToolsForms_giveTheirDurations() {
        assertThat(ExpiresIn.parse("e", "30d")).contains(Duration.ofDays(30));
        assertThat(ExpiresIn.parse("e", "2m")).contains(Duration.ofDays(60));
        assertThat(ExpiresIn.parse("e", "1y")).contains(Duration.ofDays(365));
        assertThat(ExpiresIn.parse("e", "12h")).contains(Duration.ofHours(12));
        assertThat(ExpiresIn.parse("e", "never")).isEmpty();
        assertThat(ExpiresIn.parse("e", null)).isEmpty();
    }

    @Test
    void parse_nonsenseOrTooLong_isRefused() {
        for (String text : new String[] {"0d", "-1d", "30", "d", "1w", "101y", "999999d"}) {
            assertThatThrownBy(() -> ExpiresIn.parse("expiresIn", text)).as(text)
                    .isInstanceOf(CorralException.class).hasMessageContaining("expiresIn");
        }
    }
}
