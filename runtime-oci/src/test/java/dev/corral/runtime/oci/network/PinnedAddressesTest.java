package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PinnedAddressesTest {
    private static final Instant NOW = Instant.parse("2026-12-04T19:00:00Z");
    private final PinnedAddresses pins = new PinnedAddresses();

    @Test
    void live_pinnedAddresses_haveTheTimeLeftAndExpiredOnesAreGone() {
        pins.pin(1, List.of(10), NOW, NOW.plusSeconds(30));
        pins.pin(1, List.of(11), NOW, NOW.plusSeconds(5));

        assertThat(pins.live(1, NOW.plusSeconds(10))).isEqualTo(Map.of(10, Duration.ofSeconds(20)));
        assertThat(pins.live(2, NOW)).isEmpty();
    }

    @Test
    void pin_again_keepsTheLaterExpiry() {
        pins.pin(1, List.of(10), NOW, NOW.plusSeconds(30));
        pins.pin(1, List.of(10), NOW, NOW.plusSeconds(5));

        assertThat(pins.live(1, NOW)).isEqualTo(Map.of(10, Duration.ofSeconds(30)));
    }

    @Test
    void clear_forgetsEveryPinOfTheSandboxOnly() {
        pins.pin(1, List.of(10), NOW, NOW.plusSeconds(30));
        pins.pin(2, List.of(10), NOW, NOW.plusSeconds(30));

        pins.clear(1);

        assertThat(pins.live(1, NOW)).isEmpty();
        assertThat(pins.live(2, NOW)).containsOnlyKeys(10);
    }

    @Test
    void pin_pastTheBound_isRefusedUntilPinsExpire() {
        List<Integer> full = IntStream.range(0, PinnedAddresses.MAX_PER_SANDBOX).boxed().toList();
        pins.pin(1, full, NOW, NOW.plusSeconds(30));

        assertThatThrownBy(() -> pins.pin(1, List.of(-1), NOW, NOW.plusSeconds(30)))
                .isInstanceOf(IllegalStateException.class);
        pins.pin(1, List.of(-1), NOW.plusSeconds(31), NOW.plusSeconds(60));
        assertThat(pins.live(1, NOW.plusSeconds(31))).containsOnlyKeys(-1);
    }
}
