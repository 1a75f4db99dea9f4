package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {
    private final FailedAuthentications failures = new FailedAuthentications();
    private final Instant start = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void fail_fromMoreAddressesThanTracked_keepsTheTableBounded() {
        for (int i = 0; i < FailedAuthentications.MAX_ADDRESSES + 100; i++) {
            failures.fail("10.0." + (i / 250) + "." + (i % 250), start);
        }

        assertThat(failures.size()).isEqualTo(FailedAuthentications.MAX_ADDRESSES);
    }

    @Test
    void fail_whenTheTableIsFull_dropsAddressesThatHaveRefilledFirst() {
        for (int i = 0; i < FailedAuthentications.MAX_ADDRESSES; i++) {
            failures.fail("10.0." + (i / 250) + "." + (i % 250), start);
        }
        Instant later = start.plus(Duration.ofMinutes(1));

        failures.fail("192.0.2.1", later);

        assertThat(failures.size()).isEqualTo(1);
    }

    @Test
    void fail_pastTheBurst_answersTheWaitUntilTheNextToken() {
        for (int i = 0; i < FailedAuthentications.BURST; i++) {
            assertThat(failures.fail("192.0.2.1", start)).isEmpty();
        }

        assertThat(failures.fail("192.0.2.1", start)).contains(Duration.ofSeconds(3));
        assertThat(failures.fail("192.0.2.1", start.plusSeconds(1))).contains(Duration.ofSeconds(2));
        assertThat(failures.fail("192.0.2.1", start.plusSeconds(3))).isEmpty();
    }
}
